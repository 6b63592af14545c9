"""DAECT's form for the dates and place of a mission (used by the mission admin)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Mission

DATE_FIELDS = ("departure_date", "return_date", "place")


class MissionDatesForm(forms.ModelForm):
    """The dates and the place; saved through `services.mission_plan`, checked here first.

    Dates outside the need's desired period need the box ticked and a reason, which the
    history keeps.
    """

    outside_period_confirmed = forms.BooleanField(
        label=_("I confirm dates outside the desired period of the need"),
        required=False,
    )
    outside_period_reason = forms.CharField(
        label=_("Reason for dates outside the desired period"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Mission
        fields = list(DATE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if not set(DATE_FIELDS) & set(self.changed_data):
            return cleaned
        departure, return_ = cleaned.get("departure_date"), cleaned.get("return_date")
        if departure is None or return_ is None:
            raise ValidationError(_("Give both the departure and the return."), code="dates")
        reason = cleaned.get("outside_period_reason", "").strip()
        if not cleaned.get("outside_period_confirmed"):
            reason = ""
        try:
            services.check_mission_dates(
                self.instance, departure=departure, return_=return_, outside_period_reason=reason
            )
        except ValidationError as error:
            field = {"return_before": "return_date", "past": "departure_date"}.get(error.code)
            if error.code == "outside_period":
                field = "outside_period_reason"
            self.add_error(field, error)
        cleaned["outside_period_reason"] = reason
        return cleaned
