"""The four upload forms of the portal, as the hostile-upload tests post to them, and the
way back: the stored document and the view that downloads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expect.core.uploads import validate_annex, validate_pdf
from labellisation.models import Attachment
from missions.models import RequestAttachment
from reports.models import MissionReport, ReportAnnex
from tests.security.world import World


@dataclass
class UploadForm:
    role: str
    url: Callable[[World], str]
    data: dict
    validator: Callable
    # The documents this form adds to the world's object, newest last; for the report,
    # the report itself (its file is replaced).
    documents: Callable[[World], list]
    download_url: Callable[[World, object], str]

    def post(self, client, world: World, upload: SimpleUploadedFile):
        client.force_login(world.users[self.role])
        return client.post(self.url(world), {**self.data, "file": upload}, follow=True)

    def latest(self, world: World):
        return self.documents(world)[-1]

    def download(self, client, world: World, document):
        client.force_login(world.users[self.role])
        return client.get(self.download_url(world, document))


REPORT_TEXT = {"summary": "Résumé inchangé ?", "results": "Des résultats."}
FORMS = {
    "application document": UploadForm(
        "member_a",
        lambda w: reverse("labellisation:application_step", args=[w.draft.pk, "documents"]),
        {"kind": Attachment.Kind.SUPPORTING},
        validate_pdf,
        lambda w: list(Attachment.objects.filter(application=w.draft).order_by("pk")),
        lambda w, d: reverse("labellisation:attachment_download", args=[w.draft.pk, d.pk]),
    ),
    "need document": UploadForm(
        "embassy_x",
        lambda w: reverse("missions:request_attachment_add", args=[w.need.pk]),
        {},
        validate_pdf,
        lambda w: list(RequestAttachment.objects.filter(request=w.need).order_by("pk")),
        lambda w, d: reverse("missions:request_attachment", args=[w.need.pk, d.pk]),
    ),
    "report PDF": UploadForm(
        "expert_on",
        lambda w: reverse("reports:report_edit", args=[w.mission.pk]),
        REPORT_TEXT,
        validate_pdf,
        lambda w: [MissionReport.objects.get(pk=w.report.pk)],
        lambda w, d: reverse("reports:report_file", args=[w.mission.pk]),
    ),
    "report annex": UploadForm(
        "expert_on",
        lambda w: reverse("reports:report_annex_add", args=[w.mission.pk]),
        {},
        validate_annex,
        lambda w: list(ReportAnnex.objects.filter(report=w.report).order_by("pk")),
        lambda w, d: reverse("reports:report_annex", args=[w.mission.pk, d.pk]),
    ),
}


def stored_state(world: World) -> tuple:
    """Everything an upload could have written: rows, the report's file, files on disk."""
    report = MissionReport.objects.get(pk=world.report.pk)
    on_disk = sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    return (
        Attachment.objects.count(),
        RequestAttachment.objects.count(),
        ReportAnnex.objects.count(),
        report.file.name,
        report.summary,
        on_disk,
    )


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)
