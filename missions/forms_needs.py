"""The embassy's forms for needs (besoins): the need itself, its documents, the list filter."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expect.core.references import reference_q
from expect.core.uploads import accept_upload
from expect.organisations.models import Language, Theme

from . import services
from .models import MissionRequest, RequestAttachment

MAX_DURATION_DAYS = 90  # as the database's check constraint


class NeedForm(forms.ModelForm):
    """A need of a foreign authority, for one of the countries of the agent's embassy."""

    class Meta:
        model = MissionRequest
        fields = [
            "country",
            "partner_name",
            "partner_kind",
            "partner_place",
            "theme",
            "description",
            "expected_results",
            "period_start",
            "period_end",
            "duration_days",
            "working_language",
            "urgency",
            "partner_contact_name",
            "partner_contact_email",
            "partner_language",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "expected_results": forms.Textarea(attrs={"rows": 4}),
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "urgency": forms.RadioSelect,
        }
        help_texts = {
            "partner_name": _("The foreign local authority that expresses the need."),
            "description": _(
                "The situation, the problem to solve and what the partner already tried."
            ),
            "expected_results": _("What the partner should have or know after the mission."),
            "period_start": _("The mission may take place at any time in the desired period."),
            "duration_days": _("Days the experts would spend on site, from 1 to 90."),
            "partner_contact_email": _(
                "A few weeks after the mission, this person receives a short questionnaire "
                "(no account needed) on whether the need was met."
            ),
            "partner_language": _("The language of the questionnaire sent to the partner."),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        country = self.fields["country"]
        # Only the embassy's countries are offered; any other valid country code still
        # reaches clean_country, which refuses it with a message that says why.
        covered = [(c.code, c.name) for c in user.embassy.countries]
        country.widget.choices = covered if len(covered) == 1 else [("", "---------"), *covered]
        if len(covered) == 1 and not self.instance.pk:
            country.initial = covered[0][0]
        self.fields["theme"].queryset = Theme.objects.filter(is_active=True)
        self.fields["working_language"].queryset = Language.objects.all()
        self.fields["duration_days"].widget.attrs.update(min=1, max=MAX_DURATION_DAYS)
        # The partner's contact is optional; its language is French unless said otherwise.
        self.fields["partner_language"].required = False

    def clean_partner_language(self) -> str:
        return self.cleaned_data.get("partner_language") or MissionRequest.PartnerLanguage.FRENCH

    def clean_country(self) -> str:
        country = self.cleaned_data["country"]
        services.check_embassy_covers(self.user, country)
        return country

    def clean_duration_days(self) -> int:
        days = self.cleaned_data["duration_days"]
        if not 1 <= days <= MAX_DURATION_DAYS:
            raise ValidationError(_("A mission lasts from 1 to 90 days."), code="duration")
        return days

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and start < timezone.localdate():
            self.add_error(
                "period_start",
                ValidationError(_("The desired period cannot start in the past."), code="past"),
            )
        if start and end and end < start:
            self.add_error(
                "period_end",
                ValidationError(
                    _("The end of the period cannot come before its start."), code="end_before"
                ),
            )
        days = cleaned.get("duration_days")
        if start and end and days and end >= start and days > (end - start).days + 1:
            length = (end - start).days + 1
            message = ngettext(
                "The mission cannot last longer than the desired period (%(days)s day).",
                "The mission cannot last longer than the desired period (%(days)s days).",
                length,
            ) % {"days": length}
            self.add_error("duration_days", ValidationError(message, code="longer_than_period"))
        return cleaned


def need_problems(need: MissionRequest, user) -> list[str]:
    """What must be corrected in a saved need before it is submitted (e.g. a past date)."""
    data = model_to_dict(need, fields=NeedForm.Meta.fields)
    data["country"] = str(need.country)
    form = NeedForm(data, user=user, instance=need)
    if form.is_valid():
        return []
    return [
        f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
    ]


class NeedAttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Document (PDF)"),
        help_text=_("PDF only, at most 10 MB: a letter of the partner, terms of reference…"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        # The disarmed copy, scanned: never the uploaded bytes.
        return accept_upload(self.cleaned_data["file"])

    def save(self, *, need: MissionRequest, by) -> RequestAttachment:
        return services.request_attachment_add(need=need, by=by, upload=self.cleaned_data["file"])


class NeedFilterForm(forms.Form):
    # Every filter is optional: the DSFR pack then leaves out the "(optional)" mark.
    all_optional = True


class NeedFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(
        label=_("Reference or partner"),
        help_text=_("EXPE-CT-B-00004, its number, or a word of the partner’s name"),
        method="filter_reference",
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=MissionRequest.State.choices, empty_label=_("All states")
    )

    class Meta:
        model = MissionRequest
        fields: list[str] = []
        form = NeedFilterForm

    def filter_reference(self, queryset, name: str, value: str):
        exact = reference_q(value, MissionRequest)
        by_name = Q(partner_name__icontains=value.strip())
        return queryset.filter(exact | by_name if exact is not None else by_name)
