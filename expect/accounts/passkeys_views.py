"""The security page: the person's passkeys, added, renamed and revoked."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_otp_webauthn.views import CompleteCredentialRegistrationView

from expect.core.pages import page_context

from . import passkeys, second_factor


class PasskeyNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=passkeys.NAME_MAX_LENGTH)


class CompleteRegistrationView(CompleteCredentialRegistrationView):
    """The package's enrolment, then the passkey is named and its owner told."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        passkeys.enrolled(user=self.request.user, pk=json.loads(response.content)["id"])
        return response


@login_required
@require_safe
def security(request: HttpRequest) -> HttpResponse:
    context = page_context(
        _("Security of my account"),
        {"url": reverse("accounts:profile"), "title": _("My profile")},
        passkeys=passkeys.for_user(request.user),
        has_second_factor=second_factor.has_device(request.user),
        second_factor_verified=second_factor.is_verified(request.user),
    )
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def passkey(request: HttpRequest, pk: int) -> HttpResponse:
    """POST with a name renames the passkey; POST with "revoke" removes it."""
    credential = passkeys.owned(request.user, pk)
    if credential is None:
        raise Http404
    if "revoke" in request.POST:
        passkeys.revoke(credential)
        revoked = _("The passkey « %(name)s » is revoked.") % {"name": credential.name}
        messages.success(request, revoked)
        return redirect("accounts:security")
    form = PasskeyNameForm(request.POST)
    if form.is_valid():
        passkeys.rename(credential, form.cleaned_data["name"])
        messages.success(request, _("The passkey is renamed."))
    else:
        messages.error(request, _("Give the passkey a name of at most 64 characters."))
    return redirect("accounts:security")
