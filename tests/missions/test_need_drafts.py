"""The embassy's draft need and its documents are written by the services, which lock
the need and check that the agent may still change it."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from expect.core.uploads import accept_upload
from missions import services
from missions.models import MissionRequest, RequestAttachment
from tests.accounts.factories import EmbassyAgentFactory
from tests.missions.factories import MissionRequestFactory

pytestmark = pytest.mark.django_db


def _one_page_pdf() -> bytes:
    # A real PDF: uploads are parsed whole and disarmed (expect.core.uploads).
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _one_page_pdf()


@pytest.fixture
def need():
    return MissionRequestFactory()


def test_the_agent_saves_the_draft_without_touching_the_state(need):
    saved = services.request_save_draft(
        need=need,
        by=need.created_by,
        values={"partner_name": "Commune de Podor", "state": "qualified"},
        fields=["partner_name"],
    )
    need.refresh_from_db()
    assert (need.partner_name, need.state) == ("Commune de Podor", MissionRequest.State.DRAFT)
    assert saved.pk == need.pk


def test_a_submitted_need_or_another_embassy_cannot_change_it(need):
    other = EmbassyAgentFactory(embassy__countries=["SN"])
    with pytest.raises(PermissionDenied):
        services.request_save_draft(
            need=need, by=other, values={"partner_name": "X"}, fields=["partner_name"]
        )
    MissionRequest.objects.filter(pk=need.pk).update(state=MissionRequest.State.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.request_save_draft(
            need=need, by=need.created_by, values={"partner_name": "X"}, fields=["partner_name"]
        )
    need.refresh_from_db()
    assert need.partner_name != "X"


def test_documents_are_added_and_removed_while_the_need_is_a_draft(
    need, django_capture_on_commit_callbacks
):
    attachment = services.request_attachment_add(
        need=need, by=need.created_by, upload=accept_upload(SimpleUploadedFile("tdr.pdf", PDF))
    )
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.request_attachment_delete(attachment=attachment, by=need.created_by)
    assert not RequestAttachment.objects.exists()
    assert not attachment.file.storage.exists(name)


def test_no_document_is_removed_once_submitted(need):
    attachment = services.request_attachment_add(
        need=need, by=need.created_by, upload=accept_upload(SimpleUploadedFile("tdr.pdf", PDF))
    )
    MissionRequest.objects.filter(pk=need.pk).update(state=MissionRequest.State.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.request_attachment_delete(attachment=attachment, by=need.created_by)
    assert RequestAttachment.objects.filter(pk=attachment.pk).exists()
