"""The forms of mission reports: the experts' draft, its annexes, the embassy's comment,
and DAECT's evaluation in the back office."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from expect.core.duplicates import refuse_duplicate
from expect.core.uploads import accept_upload

from .models import MissionReport

TEXT_MAX_LENGTH = 20_000
TEXT_FIELDS = MissionReport.CONTENT_FIELDS


class ReportForm(forms.ModelForm):
    """The draft: structured fields and the report itself as a PDF, which may be replaced."""

    # Everything may wait in a draft; the help texts say what the submission requires.
    all_optional = True

    class Meta:
        model = MissionReport
        fields = [*TEXT_FIELDS, "file"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "activities": forms.Textarea(attrs={"rows": 6}),
            "results": forms.Textarea(attrs={"rows": 6}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
            "follow_up": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 4}),
            # Never the media URL of the current file: it is served by a view that
            # checks who asks, and the page links to that view.
            "file": forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        }
        help_texts = {
            "summary": _("Required to hand in the report. The mission in a few lines."),
            "activities": _("Meetings, workshops, visits: what the experts did on site."),
            "results": _("Required to hand in the report. What the partner has or knows now."),
            "follow_up": _("A further mission, an exchange, a decentralised cooperation project."),
            "lessons": _("What other French collectivities should know before such a mission."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            self.fields[name].validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        file_field = self.fields["file"]
        file_field.help_text = (
            _("PDF only, at most 10 MB. Choose a file to replace the current one.")
            if self.instance.file
            else _("Required to hand in the report. PDF only, at most 10 MB.")
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if "file" not in self.changed_data or not upload:
            return upload
        # The disarmed copy, scanned, takes the upload's place: never the uploaded bytes.
        self.checked = accept_upload(upload)
        return self.checked.file

    @property
    def saved_fields(self) -> list[str]:
        """What a save writes: never the state, which only the services change."""
        fields = list(TEXT_FIELDS)
        if "file" in self.changed_data and self.cleaned_data.get("file"):
            return [*fields, "file", "file_name", *self.checked.scan_fields]
        return fields

    @property
    def content(self) -> dict[str, str]:
        """The structured fields as typed, for `services.report_save_draft`."""
        return {name: self.cleaned_data[name] for name in TEXT_FIELDS}

    @property
    def new_file(self):
        """The PDF chosen to replace the report's file, or None."""
        return self.checked if "file_name" in self.saved_fields else None

    def save(self, commit: bool = True) -> MissionReport:
        report = super().save(commit=False)
        if "file_name" in self.saved_fields:
            report.file_name = self.checked.name
            for name, value in self.checked.scan_fields.items():
                setattr(report, name, value)
        if commit:
            report.save(update_fields=self.saved_fields)
        return report


class AnnexForm(forms.Form):
    file = forms.FileField(
        label=_("Annex"),
        help_text=_("A PDF, or a PNG or JPEG image (photographs, diagrams), at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args, existing=None, **kwargs) -> None:
        # Its page also shows the report form, whose file field would have the same id.
        kwargs.setdefault("auto_id", "id_annex_%s")
        # The report's annexes: the same file is not added twice.
        self.existing = existing
        super().__init__(*args, **kwargs)

    def clean_file(self):
        # The disarmed copy, scanned; its type is what the content is, never what the
        # browser says.
        checked = accept_upload(self.cleaned_data["file"], images=True)
        refuse_duplicate(checked.file, self.existing)
        return checked


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment of the embassy"),
        help_text=_("Read by DAECT and by the experts of the mission."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class AcceptForm(forms.Form):
    """DAECT's evaluation when it accepts a report (intermediate page of the admin action)."""

    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", "---------"), *MissionReport.Rating.choices],
        coerce=int,
    )
    evaluation = forms.CharField(
        label=_("Evaluation (shown to the experts)"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
