"""The second factor's pages: enrol an authenticator app, give a code, backup codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expect.core.pages import page_context

from . import passkeys, second_factor
from .forms import SecondFactorCodeForm


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is given: the page first asked for, if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:dashboard")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the code of the app, or a backup code."""
    if not second_factor.has_device(request.user):
        return redirect(_with_next("accounts:otp_enrol", _next_url(request)))
    if second_factor.is_verified(request.user):
        return HttpResponseRedirect(_next_url(request))
    form = SecondFactorCodeForm(
        request.POST or None,
        submit_label=_("Verify"),
        help_text=_("The six digits shown by your authenticator app, or one of your backup codes."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.verify(request, form.cleaned_data["code"])
        except second_factor.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            left = second_factor.remaining_backup_codes(request.user)
            if left <= 3:
                messages.warning(
                    request,
                    _("Only %(count)s backup codes left: generate new ones from your profile.")
                    % {"count": left},
                )
            return HttpResponseRedirect(_next_url(request))
    context = page_context(
        _("Two-step verification"),
        form=form,
        next=_next_url(request),
        has_passkey=passkeys.for_user(request.user).exists(),
    )
    return render(request, "accounts/otp_verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), give a first code.

    A person who has a device must give its code first; then they may replace it.
    """
    if second_factor.has_device(request.user) and not second_factor.is_verified(request.user):
        return redirect(_with_next("accounts:otp_verify", _next_url(request)))
    if second_factor.enrolment_needs_link(request):
        return _enrolment_link_page(request)
    device = second_factor.pending_totp(request.user)
    form = SecondFactorCodeForm(
        request.POST or None,
        submit_label=_("Confirm"),
        help_text=_("The six digits your app now shows for EXPE-CT."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        except second_factor.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            request.session[second_factor.NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-step verification is on for your account."))
            return redirect(_with_next("accounts:otp_backup_codes", _next_url(request)))
    context = page_context(
        _("Set up two-step verification"),
        form=form,
        next=_next_url(request),
        qr_code=second_factor.qr_code_svg(device),
        secret=second_factor.secret_for_display(device),
        required=second_factor.is_required(request.user),
    )
    return render(request, "accounts/otp_enrol.html", context)


def _enrolment_link_page(request: HttpRequest) -> HttpResponse:
    """First enrolment of a required second factor: the link goes to the person's mailbox.

    The first visit sends it; "send it again" sends another, a minute at the earliest.
    """
    sent = second_factor.send_enrolment_link(request)
    if request.method == "POST":
        if sent:
            messages.success(request, _("A new link is on its way to your mailbox."))
        else:
            messages.info(request, _("A link was sent less than a minute ago: check your mailbox."))
        return redirect(_with_next("accounts:otp_enrol", _next_url(request)))
    context = page_context(
        _("Set up two-step verification"),
        next=_next_url(request),
        hours=second_factor.ENROL_LINK_MAX_AGE // 3600,
    )
    return render(request, "accounts/otp_enrol_email.html", context)


@login_required
@require_safe
def enrol_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link e-mailed to a person who must set up a second factor."""
    if second_factor.accept_enrolment_link(request, token):
        return redirect("accounts:otp_enrol")
    context = page_context(_("This link does not work"))
    return render(request, "accounts/otp_enrol_link_invalid.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """GET shows the codes just generated, once; POST replaces them by new ones."""
    if request.method == "POST":
        if not second_factor.is_verified(request.user):
            messages.error(request, _("Give a code of your authenticator app first."))
            return redirect("accounts:profile")
        request.session[second_factor.NEW_CODES_SESSION_KEY] = second_factor.new_backup_codes(
            request.user
        )
        return redirect("accounts:otp_backup_codes")
    codes = request.session.pop(second_factor.NEW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:profile")
    context = page_context(_("Your backup codes"), codes=codes, next=_next_url(request))
    return render(request, "accounts/otp_backup_codes.html", context)


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Turn two-step verification off; only for people no rule requires it of."""
    if second_factor.is_required(request.user) or not second_factor.is_verified(request.user):
        messages.error(request, _("Two-step verification is required for your account."))
        return redirect("accounts:profile")
    second_factor.reset_devices(request.user)
    request.session[second_factor.REQUIRED_SESSION_KEY] = False
    second_factor.forget_verification(request)
    messages.success(request, _("Two-step verification is off for your account."))
    return redirect("accounts:profile")
