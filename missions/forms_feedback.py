"""The partner's feedback form (no account, in the need's language) and the collectivity's
follow-up form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CollectivityFollowUp, PartnerFeedback

SCALE = [(n, str(n)) for n in range(1, 6)]


def _scale(label, *, required: bool, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        required=required,
        widget=forms.RadioSelect,
        help_text=help_text or _("1: not at all — 5: very much"),
    )


class PartnerFeedbackForm(forms.ModelForm):
    need_met = forms.ChoiceField(
        label=_("Was the need met?"),
        choices=PartnerFeedback.NeedMet.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the need was met.")},
    )
    usefulness = _scale(_("How useful was the mission?"), required=True)
    rating_expertise = _scale(_("The expertise of the French team"), required=False)
    rating_organisation = _scale(_("The organisation of the mission"), required=False)

    class Meta:
        model = PartnerFeedback
        fields = [
            "need_met",
            "usefulness",
            "rating_expertise",
            "rating_organisation",
            "next_steps",
            "comment",
        ]
        labels = {
            "next_steps": _("What next? What would you need now?"),
            "comment": _("Anything else you wish to tell us"),
        }
        widgets = {
            "next_steps": forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
            "comment": forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("next_steps", "comment"):
            self.fields[name].max_length = 5000
            self.fields[name].required = False


class FollowUpForm(forms.ModelForm):
    all_optional = True

    class Meta:
        model = CollectivityFollowUp
        fields = ["continuing_cooperation", "cooperation_agreement", "other_funding", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 4, "maxlength": 5000})}
