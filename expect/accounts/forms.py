from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from expect.core.addresses import EmailAddressField
from expect.organisations.models import Collectivity
from expect.organisations.validators import validate_siren

from . import proconnect
from .models import User

# Far above any passphrase, far below what would make hashing a denial of service.
PASSWORD_MAX_LENGTH = 1000
SIREN_IN_TEXT = re.compile(r"\b(\d{9})\b")


def submit_helper(label: str, *layout) -> FormHelper:
    helper = FormHelper()
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", label))
    return helper


class EmailAuthenticationForm(AuthenticationForm):
    # Above a refused sign-in, nothing was to be "saved" (templates/dsfr_crispy/errors.html).
    error_title = _("Sign-in failed")
    # Any stored address may sign in, in any spelling the database would fold.
    username = EmailAddressField(
        check_deliverable=False,
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Wrong e-mail address or password. Check both; the password is case-sensitive."
        ),
        "unconfirmed": _(
            "Your e-mail address is not confirmed yet: open the link we sent you. "
            '<a href="%(url)s">Send the link again</a>.'
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Sign in"))

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        proconnect.refuse_password_sign_in(user)
        if user.email_confirmed_at is None:
            url = reverse("accounts:resend_confirmation")
            raise ValidationError(
                format_html(self.error_messages["unconfirmed"], url=url), code="unconfirmed"
            )


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The Django admin's sign-in; when DAECT requires ProConnect, it refuses passwords too."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        proconnect.refuse_password_sign_in(user)


class CollectivityField(forms.CharField):
    """Name, INSEE code or SIREN typed in a box, resolved to one collectivity."""

    widget = forms.TextInput(
        attrs={
            "autocomplete": "off",
            "data-collectivity-search": "",
            "list": "collectivity-suggestions",
        }
    )

    def clean(self, value: str) -> Collectivity:
        value = super().clean(value).strip()
        digits = value.replace(" ", "")
        if digits.isdigit() and len(digits) > 5:
            validate_siren(digits)  # a clear message for a mistyped SIREN
        found = SIREN_IN_TEXT.search(value)
        if found:
            match = Collectivity.objects.filter(siren=found.group(1)).first()
            if match:
                return match
        # A name typed with its département, as the suggestions show it: "Lyon (69)".
        query = re.sub(r"\s*\([^)]*\)\s*$", "", value.split(" — ")[0])
        matches = list(Collectivity.objects.search(query)[:11])
        if len(matches) == 1:
            return matches[0]
        exact = [c for c in matches if c.name.lower() == query.lower()]
        if len(exact) == 1:
            return exact[0]
        if not matches:
            raise ValidationError(
                _(
                    "No collectivity matches “%(query)s”. Type its name, its INSEE code or its "
                    "SIREN; if your association is not listed, contact DAECT."
                ),
                code="unknown_collectivity",
                params={"query": value},
            )
        names = ", ".join(c.label_for_search for c in matches[:5])
        raise ValidationError(
            _("Several collectivities match “%(query)s”: %(names)s… Type its SIREN or INSEE code."),
            code="ambiguous_collectivity",
            params={"query": value, "names": names},
        )


class RegistrationForm(forms.ModelForm):
    collectivity = CollectivityField(
        label=_("Your collectivity"),
        help_text=_("Its name, INSEE code or SIREN, e.g. “Lyon”, “69123” or “216901231”."),
        max_length=250,
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    certify = forms.BooleanField(
        label=_("I certify that I am an agent or an elected official of this collectivity."),
        error_messages={"required": _("Please certify that you work for this collectivity.")},
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "position", "phone", "preferred_language"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = True
        self.helper = submit_helper(
            _("Create my account"),
            Fieldset(
                _("You"),
                "first_name",
                "last_name",
                "email",
                "position",
                "phone",
                "preferred_language",
            ),
            Fieldset(_("Your collectivity"), "collectivity", "certify"),
            Fieldset(_("Your password"), "password1", "password2"),
        )

    def _get_validation_exclusions(self):
        # Whether an account already has this address is never told here: the service
        # answers as for a new address and writes to its owner instead.
        return {*super()._get_validation_exclusions(), "email"}

    def clean(self) -> dict:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendConfirmationForm(forms.Form):
    email = EmailAddressField(check_deliverable=False, label=_("E-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send the link again"))


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "position", "phone", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save"))


class RefuseMembershipForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the person"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class SecondFactorCodeForm(forms.Form):
    """A six-digit code from the authenticator app, or (when allowed) a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, submit_label: str, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        self.helper = submit_helper(submit_label)
        # The page's own <form> also carries where to go next.
        self.helper.form_tag = False


class EmailChangeForm(forms.Form):
    new_email = EmailAddressField(
        label=_("New e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you asking."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = submit_helper(_("Send the confirmation links"))

    def clean_new_email(self) -> str:
        from .services import email_in_use

        email = self.cleaned_data["new_email"]
        if email == User.objects.normalize_email(self.user.email):
            raise ValidationError(
                _("This is already the address of your account."), code="same_email"
            )
        if email_in_use(email, by_other_than=self.user):
            raise ValidationError(
                _("Another account already uses this e-mail address."), code="duplicate_email"
            )
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your current password."), code="wrong_password")
        return password


class EmailPasswordResetForm(PasswordResetForm):
    """Django's, finding the account by the address in its one spelling (core/addresses.py)."""

    email = EmailAddressField(
        check_deliverable=False,
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
