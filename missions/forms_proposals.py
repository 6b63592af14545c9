"""Forms of the proposals: DAECT proposes a need, a collectivity accepts or declines it."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expect.accounts.models import Membership, User
from expect.organisations.models import Collectivity, Language

from .models import ExpertRosterEntry
from .roster import pickable_entries

ANSWER_DELAY = datetime.timedelta(days=14)
MAX_NEW_EXPERTS = 10


def default_deadline() -> datetime.date:
    return timezone.localdate() + ANSWER_DELAY


class ProposeForm(forms.Form):
    """The collectivities are ticked in the ranking table; the template draws those boxes."""

    collectivities = forms.ModelMultipleChoiceField(
        # Any collectivity: the service, not the form, says why one cannot receive the need.
        Collectivity.objects.order_by("name"),
        label=_("Collectivities to propose the need to"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one collectivity in the table.")},
    )
    deadline = forms.DateField(
        label=_("Answer before"),
        initial=default_deadline,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The collectivities answer until this day included."),
    )
    message = forms.CharField(
        label=_("Message to the collectivities"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_deadline(self) -> datetime.date:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(
                _("The answer deadline is already past."), code="deadline_past"
            )
        return deadline


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.get_full_name()} — {user.position}" if user.position else str(user)


class RosterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, entry: ExpertRosterEntry) -> str:
        details = [entry.position, ", ".join(str(lang) for lang in entry.languages.all())]
        return " — ".join([entry.name, *[d for d in details if d]])


class AcceptForm(forms.Form):
    experts = ExpertChoiceField(
        User.objects.none(),
        label=_("Experts among the confirmed members of your collectivity"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roster = RosterChoiceField(
        ExpertRosterEntry.objects.none(),
        label=_("Experts of your roster without an account yet"),
        help_text=_(
            "Proposed in your label applications. An account is created for each expert "
            "ticked, who receives an e-mail to choose a password."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, collectivity: Collectivity, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(collectivity=collectivity)
        self.fields["experts"].queryset = User.objects.filter(
            membership__in=members, is_active=True
        ).order_by("last_name", "first_name")
        self.fields["roster"].queryset = pickable_entries(collectivity)


class NewExpertForm(forms.Form):
    """A person without an account yet: one is created and they are invited to sign in."""

    # The account's own fields, with their labels and lengths; the position is required here.
    first_name = User._meta.get_field("first_name").formfield()
    last_name = User._meta.get_field("last_name").formfield()
    email = User._meta.get_field("email").formfield()
    position = User._meta.get_field("position").formfield(required=True)
    # The same kind of field and widget as the label application's proposed experts.
    languages = forms.ModelMultipleChoiceField(
        Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Working languages"),
    )


class BaseNewExpertFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        emails = [form.cleaned_data["email"] for form in self.filled_forms()]
        if len(emails) != len(set(emails)):
            raise forms.ValidationError(
                _("The same e-mail address is given for two new experts."), code="duplicate"
            )

    def filled_forms(self) -> list[NewExpertForm]:
        """The blocks the user filled in; the empty ones are ignored."""
        return [form for form in self.forms if form.has_changed()]


NewExpertFormSet = forms.formset_factory(
    NewExpertForm,
    formset=BaseNewExpertFormSet,
    extra=1,
    max_num=MAX_NEW_EXPERTS,
    # Never build more forms than that, whatever TOTAL_FORMS a request claims.
    absolute_max=MAX_NEW_EXPERTS,
    validate_max=True,
)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the refusal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
