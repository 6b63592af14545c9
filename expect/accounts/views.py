from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from expect.core.pages import page_context

from . import proconnect, second_factor, services
from .forms import (
    EmailAuthenticationForm,
    EmailChangeForm,
    EmailPasswordResetForm,
    ProfileForm,
    RegistrationForm,
    ResendConfirmationForm,
)
from .models import EmailChange, User
from .tokens import email_confirmation_token, read_email_change_token


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("Sign in")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect_enabled=settings.PROCONNECT_ENABLED, **kwargs)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    # An agent ProConnect signed in without an account starts from what it told us.
    prefill = proconnect.take_registration_prefill(request)
    form = RegistrationForm(request.POST or None, initial=prefill)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in RegistrationForm.Meta.fields}
        services.register_member(
            collectivity=form.cleaned_data["collectivity"],
            password=form.cleaned_data["password1"],
            **data,
        )
        # The same page whether or not the address had an account (the service says why).
        request.session["registered_email"] = data["email"]
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form, **page_context(_("Register"))})


@require_http_methods(["GET"])
def register_done(request: HttpRequest) -> HttpResponse:
    email = request.session.get("registered_email")
    context = page_context(_("Check your e-mails"), email=email)
    return render(request, "accounts/register_done.html", context)


@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that follow links confirm nothing."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    valid = user is not None and email_confirmation_token.check_token(user, token)
    if request.method == "POST" and valid:
        services.confirm_email(user)
        messages.success(
            request,
            _(
                "Your e-mail address is confirmed. You can sign in; your collectivity's referent "
                "(or DAECT) will now confirm your membership."
            ),
        )
        return redirect("accounts:login")
    context = page_context(_("Confirm your e-mail address"), valid=valid, confirmed_user=user)
    return render(request, "accounts/confirm_email.html", context, status=200 if valid else 400)


@require_http_methods(["GET", "POST"])
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(
            email=form.cleaned_data["email"],
            email_confirmed_at__isnull=True,
            is_active=True,
        ).first()
        if user is not None:
            services.send_email_confirmation(user)
        # The same answer whether or not the address exists, so that nobody can probe accounts.
        messages.info(
            request, _("If an unconfirmed account uses this address, a new link is on its way.")
        )
        return redirect("accounts:login")
    return render(
        request,
        "accounts/resend_confirmation.html",
        {"form": form, **page_context(_("Send the confirmation link again"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    membership = getattr(request.user, "membership", None)
    context = {
        "form": form,
        "membership": membership,
        "email_change": EmailChange.objects.filter(user=request.user).first(),
        "has_second_factor": second_factor.has_device(request.user),
        "second_factor_required": second_factor.is_required(request.user),
        "backup_codes_left": second_factor.remaining_backup_codes(request.user),
        **page_context(_("My profile")),
    }
    return render(request, "accounts/profile.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = EmailPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": gettext_lazy("Forgotten password")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_form.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": gettext_lazy("Choose a new password")}

    def form_valid(self, form):
        # Following a link received by e-mail proves the address too (invited accounts).
        user = form.user
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
        response = super().form_valid(form)
        # The link proves the person owns the address: lift a sign-in lockout on it.
        axes_reset(username=user.email)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_form.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"title": gettext_lazy("Change my password")}

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    """Ask for a new sign-in address; both addresses receive a link to confirm it."""
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.email_change_request(
                user=request.user, new_email=form.cleaned_data["new_email"]
            )
        except services.EmailChangeRefused as refusal:
            form.add_error("new_email", str(refusal))
        else:
            messages.success(
                request,
                _(
                    "We sent a link to %(new)s and another to %(old)s. Open both: your address "
                    "changes once both are confirmed."
                )
                % {"new": change.new_email, "old": request.user.email},
            )
            return redirect("accounts:profile")
    context = {"form": form, **page_context(_("Change my e-mail address"))}
    return render(request, "accounts/email_change.html", context)


@login_required
@require_POST
def email_change_cancel(request: HttpRequest) -> HttpResponse:
    if services.email_change_cancel(user=request.user):
        messages.success(request, _("Your request to change your e-mail address is cancelled."))
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that follow links confirm nothing."""
    payload = read_email_change_token(token)
    context = {"payload": payload, **page_context(_("Confirm the change of e-mail address"))}
    if payload is None:
        context["error"] = _("This link is not valid: it has expired or was altered.")
        return render(request, "accounts/email_change_confirm.html", context, status=400)
    if request.method == "GET":
        return render(request, "accounts/email_change_confirm.html", context)
    try:
        outcome = services.email_change_confirm(token=token)
    except services.EmailChangeRefused as refusal:
        context["error"] = str(refusal)
        return render(request, "accounts/email_change_confirm.html", context, status=400)
    messages.success(request, str(EMAIL_CHANGE_OUTCOMES[outcome]))
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")


EMAIL_CHANGE_OUTCOMES = {
    services.EmailChangeOutcome.WAITING: gettext_lazy(
        "Thank you: this address has confirmed. The change is made once the other address "
        "confirms it too."
    ),
    services.EmailChangeOutcome.APPLIED: gettext_lazy(
        "Both addresses have confirmed: your account now uses the new address to sign in."
    ),
    services.EmailChangeOutcome.ADDRESS_TAKEN: gettext_lazy(
        "Another account has started using this address meanwhile: the change is cancelled."
    ),
}
