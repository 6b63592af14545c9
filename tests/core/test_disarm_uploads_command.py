"""`manage.py disarm_uploads` rewrites the files stored before the disarm existed."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from labellisation.models import Attachment
from reports.models import ReportAnnex
from tests.accounts.factories import UserFactory
from tests.labellisation.factories import MINIMAL_PDF, AttachmentFactory
from tests.reports.factories import MissionReportFactory
from tests.security.pdf_corpus import VISIBLE_TEXT, active_content, hostile_pdf, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _run(django_capture_on_commit_callbacks) -> str:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("disarm_uploads", stdout=out)
    return out.getvalue()


def test_it_rewrites_an_active_pdf_stored_before_and_deletes_the_original(
    django_capture_on_commit_callbacks,
):
    content = hostile_pdf("JavaScript open action (plain)")
    attachment = AttachmentFactory(file=ContentFile(content, name="lettre.pdf"), size=len(content))
    old_name = attachment.file.name
    output = _run(django_capture_on_commit_callbacks)
    attachment = Attachment.objects.get(pk=attachment.pk)
    stored = attachment.file.read()
    assert active_content(stored) == [] and VISIBLE_TEXT in visible_text(stored)
    assert attachment.size == len(stored)
    assert attachment.scan_detail == "removed: javascript, open_action"
    assert not attachment.file.storage.exists(old_name)
    assert f"Attachment #{attachment.pk}: removed javascript, open_action" in output


def test_it_reencodes_a_stored_image(django_capture_on_commit_callbacks):
    info = PngInfo()
    info.add_text("Comment", "secret")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG", pnginfo=info)
    report = MissionReportFactory()
    annex = ReportAnnex.objects.create(
        report=report,
        file=ContentFile(buffer.getvalue(), name="photo.png"),
        original_name="photo.png",
        content_type="image/png",
        size=len(buffer.getvalue()),
        uploaded_by=UserFactory(),
    )
    _run(django_capture_on_commit_callbacks)
    annex.refresh_from_db()
    assert b"secret" not in annex.file.read()


def test_it_keeps_and_lists_a_file_it_cannot_disarm(django_capture_on_commit_callbacks):
    attachment = AttachmentFactory(file=ContentFile(MINIMAL_PDF, name="lettre.pdf"))
    old_name = attachment.file.name
    output = _run(django_capture_on_commit_callbacks)
    attachment.refresh_from_db()
    assert attachment.file.name == old_name and attachment.file.read() == MINIMAL_PDF
    assert f"Attachment #{attachment.pk}: kept as is" in output
