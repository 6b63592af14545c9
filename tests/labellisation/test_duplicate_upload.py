"""The same document twice on one application is refused, with a message naming the first."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from expect.core.uploads import accept_upload
from tests.labellisation.factories import AttachmentFactory, LabelApplicationFactory

pytestmark = pytest.mark.django_db


def _pdf(width: int = 595) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


LETTER = _pdf()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _attach(application, **fields):
    # What the portal stores is the disarmed copy of what was sent (expect.core.uploads).
    checked = accept_upload(SimpleUploadedFile("lettre.pdf", LETTER))
    return AttachmentFactory(
        application=application, file=checked.file, size=checked.size, **fields
    )


def _post(client, application, content: bytes):
    url = reverse("labellisation:application_step", args=[application.pk, "documents"])
    upload = SimpleUploadedFile("deliberation.pdf", content, content_type="application/pdf")
    return client.post(url, {"kind": "commitment_letter", "file": upload, "save": "1"})


def test_the_same_file_twice_is_refused_and_the_first_is_named(client):
    application = LabelApplicationFactory()
    _attach(application, original_name="lettre-signee.pdf")
    client.force_login(application.created_by)
    response = _post(client, application, LETTER)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any("lettre-signee.pdf" in error and "deux fois" in error for error in errors)
    assert application.attachments.count() == 1


def test_another_file_is_added(client):
    application = LabelApplicationFactory()
    _attach(application)
    client.force_login(application.created_by)
    assert _post(client, application, _pdf(width=600)).status_code == 302
    assert application.attachments.count() == 2


def test_the_same_file_on_another_application_is_accepted(client):
    application = LabelApplicationFactory()
    _attach(LabelApplicationFactory())  # The same content, on another collectivity's dossier.
    client.force_login(application.created_by)
    assert _post(client, application, LETTER).status_code == 302
    assert application.attachments.count() == 1
