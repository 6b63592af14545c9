from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expect.core.duplicates import refuse_duplicate
from expect.core.uploads import accept_upload
from expect.core.widgets import ComboboxSelect, ComboboxSelectMultiple
from expect.organisations.countries import foreign_country_choices
from expect.organisations.models import Language, Theme

from .models import (
    Attachment,
    CooperationProject,
    LabelApplication,
    Opinion,
    ProposedExpert,
    Verdict,
)


class ExpertiseForm(forms.ModelForm):
    """Step 1: the theme and what the collectivity knows how to do."""

    class Meta:
        model = LabelApplication
        fields = ["theme", "expertise", "territory_actions"]
        widgets = {
            "expertise": forms.Textarea(attrs={"rows": 8}),
            "territory_actions": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "expertise": _(
                "What your collectivity knows how to do on this theme, and what its experts "
                "could bring to a foreign local authority."
            ),
            "territory_actions": _(
                "Policies, services and projects carried out on your territory."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(is_active=True)
        self.fields["expertise"].required = True
        if self.instance.pk and self.instance.state != LabelApplication.State.DRAFT:
            # Once submitted, the theme is what DAECT reviews: it no longer changes.
            self.fields["theme"].disabled = True


class CooperationProjectForm(forms.ModelForm):
    class Meta:
        model = CooperationProject
        fields = ["country", "partner", "start_year", "end_year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "country": ComboboxSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A cooperation is with a foreign, inhabited country: not France, not Antarctica.
        self.fields["country"].choices = [("", "---------"), *foreign_country_choices()]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        this_year = timezone.localdate().year
        if start and not 1950 <= start <= this_year:
            self.add_error(
                "start_year", _("Give a year between 1950 and %(year)s.") % {"year": this_year}
            )
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot come before the first."))
        return cleaned


class ProposedExpertForm(forms.ModelForm):
    languages = forms.ModelMultipleChoiceField(
        Language.objects.all(),
        required=False,
        widget=ComboboxSelectMultiple,
        label=_("Working languages"),
    )

    class Meta:
        model = ProposedExpert
        fields = ["name", "position", "email", "languages"]


ProjectFormSet = forms.inlineformset_factory(
    LabelApplication,
    CooperationProject,
    form=CooperationProjectForm,
    extra=1,
    can_delete=True,
    # The empty block offered for a new entry has nothing to delete.
    can_delete_extra=False,
    max_num=20,
    # Never build more forms than that, whatever TOTAL_FORMS a request claims (Django's
    # default builds up to 1,000 more).
    absolute_max=20,
    validate_max=True,
)
ExpertFormSet = forms.inlineformset_factory(
    LabelApplication,
    ProposedExpert,
    form=ProposedExpertForm,
    extra=1,
    can_delete=True,
    # The empty block offered for a new entry has nothing to delete.
    can_delete_extra=False,
    max_num=20,
    absolute_max=20,
    validate_max=True,
)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF only, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, existing=None, **kwargs):
        # The application's documents: the same file is not added twice.
        self.existing = existing
        super().__init__(*args, **kwargs)

    def clean_file(self):
        # The disarmed copy, scanned: never the uploaded bytes.
        checked = accept_upload(self.cleaned_data["file"])
        refuse_duplicate(checked.file, self.existing)
        return checked

    def save(self, *, application: LabelApplication, by) -> Attachment:
        return Attachment.objects.create(
            application=application,
            kind=self.cleaned_data["kind"],
            uploaded_by=by,
            **self.cleaned_data["file"].document_fields(),
        )


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = LabelApplication
        fields = ["commitment"]
        labels = {
            "commitment": _(
                "On behalf of the collectivity, I commit to work with the Ministry for Europe "
                "and Foreign Affairs on the missions it may propose."
            )
        }


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class OpinionForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Opinion.Recommendation.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your opinion"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    conflict = forms.ChoiceField(
        label=_("Declaration of interests"),
        choices=Opinion.Conflict.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Declare whether you have a conflict of interest with this application.")
        },
    )
    conflict_details = forms.CharField(
        label=_("If you have a conflict of interest: which one"),
        help_text=_("For instance: you work for, or with, the applying collectivity."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("conflict") == Opinion.Conflict.DECLARED
            and not cleaned.get("conflict_details", "").strip()
        ):
            self.add_error("conflict_details", _("Describe your conflict of interest."))
        return cleaned


class SessionDecisionForm(forms.Form):
    """One dossier of a committee's agenda: the decision and its reason."""

    application = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("— not decided today —")), *Verdict.choices],
        required=False,
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "fr-input"}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, dossiers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = dossiers

    def clean(self):
        cleaned = super().clean()
        needs_reason = cleaned.get("verdict") in (Verdict.REFUSE, Verdict.POSTPONE)
        if needs_reason and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason of this decision."))
        return cleaned


SessionDecisionFormSet = forms.formset_factory(SessionDecisionForm, extra=0)
