"""The user's choice, for each optional message, of how to receive it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Preference
from .rules import Rule, all_rules

if TYPE_CHECKING:
    from expect.accounts.models import User


def field_name(kind: str) -> str:
    """A form field name for a rule's kind ("missions.proposal_awaited" has a dot)."""
    return "kind-" + kind.replace(".", "-")


def rules_for(user: User) -> tuple[list[Rule], list[Rule]]:
    """The rules of the user's role: those they may choose for, and those always sent."""
    own = [rule for rule in all_rules() if user.role in rule.roles]
    return [r for r in own if not r.mandatory], [r for r in own if r.mandatory]


class PreferencesForm(forms.Form):
    """One radio group per optional message of the user's role; saving upserts them all."""

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.optional, self.mandatory = rules_for(user)
        saved = dict(user.notification_preferences.values_list("kind", "mode"))
        for rule in self.optional:
            self.fields[field_name(rule.kind)] = forms.ChoiceField(
                label=rule.label,
                choices=[(mode, Preference.Mode(mode).label) for mode in rule.modes],
                initial=rule.mode_for(saved.get(rule.kind)),
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose how you receive this message."),
                    "invalid_choice": _(
                        "This way of receiving the message is not offered: choose one of the "
                        "options listed."
                    ),
                },
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save my preferences")))

    def clean(self):
        cleaned = super().clean()
        # The form never offers them; a request that sends one anyway is refused whole.
        if any(field_name(rule.kind) in self.data for rule in self.mandatory):
            raise forms.ValidationError(
                _(
                    "Reminders of your legal deadlines are always sent as they happen: they "
                    "cannot be changed."
                ),
                code="mandatory",
            )
        return cleaned

    def choices(self) -> dict[str, str]:
        """The chosen mode of each kind, once the form is valid."""
        return {rule.kind: self.cleaned_data[field_name(rule.kind)] for rule in self.optional}

    @transaction.atomic
    def save(self) -> None:
        for kind, mode in self.choices().items():
            Preference.objects.update_or_create(user=self.user, kind=kind, defaults={"mode": mode})
