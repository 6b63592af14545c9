"""A member drafts, completes and submits an application on the portal."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfWriter

from labellisation import services
from labellisation.models import Attachment, LabelApplication, ProposedExpert
from tests.accounts.factories import MembershipFactory
from tests.labellisation.factories import (
    CommitteeSessionFactory,
    LabelApplicationFactory,
    LabelFactory,
    complete_application,
)
from tests.organisations.factories import ThemeFactory

# The applicant confirmed the action (in the modal, or on the confirmation page).
CONFIRMED = {"confirmed": "1"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _step(application, step):
    return reverse("labellisation:application_step", args=[application.pk, step])


def test_a_member_creates_a_draft_and_goes_to_the_next_step(client, member):
    theme = ThemeFactory()
    client.force_login(member)
    response = client.post(
        reverse("labellisation:application_create"),
        {"theme": theme.pk, "expertise": "Eau potable", "continue": "1"},
    )
    application = LabelApplication.objects.get()
    assert response["Location"] == _step(application, "cooperation")
    assert application.collectivity == member.collectivity
    assert application.state == LabelApplication.State.DRAFT


def test_a_second_open_application_on_the_same_theme_is_refused(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    response = client.post(
        reverse("labellisation:application_create"),
        {"theme": draft.theme.pk, "expertise": "Encore"},
    )
    assert "déjà une candidature en cours" in response.content.decode()
    assert LabelApplication.objects.count() == 1


def test_the_experts_step_saves_a_repeatable_set(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    client.post(
        _step(draft, "experts"),
        {
            "experts-TOTAL_FORMS": "1",
            "experts-INITIAL_FORMS": "0",
            "experts-0-name": "Sophie Lefèvre",
            "experts-0-position": "Ingénieure",
            "experts-0-email": "sophie@example.fr",
            "experts-0-languages": ["fr", "es"],
        },
    )
    expert = ProposedExpert.objects.get(application=draft)
    assert set(expert.languages.values_list("code", flat=True)) == {"fr", "es"}


def test_a_project_ending_before_it_starts_is_refused(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    response = client.post(
        _step(draft, "cooperation"),
        {
            "projects-TOTAL_FORMS": "1",
            "projects-INITIAL_FORMS": "0",
            "projects-0-country": "SN",
            "projects-0-partner": "Saint-Louis",
            "projects-0-start_year": "2018",
            "projects-0-end_year": "2015",
        },
    )
    assert "ne peut pas précéder" in response.content.decode()
    assert not draft.projects.exists()


def test_a_pdf_is_attached_and_a_non_pdf_refused(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    pdf = SimpleUploadedFile("Lettre d'engagement.pdf", _pdf_bytes(), "application/pdf")
    client.post(_step(draft, "documents"), {"kind": "commitment_letter", "file": pdf})
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", "application/pdf")
    response = client.post(_step(draft, "documents"), {"kind": "supporting", "file": fake})
    assert "n’est pas un PDF" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.original_name == "Lettre d'engagement.pdf"
    assert "engagement" not in attachment.file.name  # stored under a random name


def test_an_oversized_file_is_refused(client, settings):
    settings.MAX_UPLOAD_SIZE = 200
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    pdf = SimpleUploadedFile("gros.pdf", _pdf_bytes(), "application/pdf")
    response = client.post(_step(draft, "documents"), {"kind": "supporting", "file": pdf})
    assert "trop volumineux" in response.content.decode()
    assert not Attachment.objects.exists()


def test_submitting_acknowledges_by_email_and_tells_daect(client, daect):
    draft = complete_application()
    client.force_login(draft.created_by)
    client.post(reverse("labellisation:application_submit", args=[draft.pk]), CONFIRMED)
    draft.refresh_from_db()
    assert draft.state == LabelApplication.State.SUBMITTED
    recipients = {address for message in mail.outbox for address in message.to}
    assert {draft.created_by.email, daect.email} <= recipients
    assert any("recepisse.pdf" in message.body for message in mail.outbox)


def test_submitting_an_incomplete_draft_says_what_is_missing(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    response = client.post(
        reverse("labellisation:application_submit", args=[draft.pk]), CONFIRMED, follow=True
    )
    assert "lettre d’engagement signée" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == LabelApplication.State.DRAFT


def test_a_submitted_application_cannot_be_edited(client):
    draft = complete_application()
    application = services.application_submit(application=draft, by=draft.created_by)
    client.force_login(draft.created_by)
    response = client.post(
        _step(application, "expertise"), {"theme": application.theme.pk, "expertise": "Changé"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.expertise != "Changé"


def test_another_collectivity_sees_nothing_of_the_dossier(client):
    draft = complete_application()
    attachment = draft.attachments.get()
    client.force_login(MembershipFactory(state="active").user)
    urls = [
        reverse("labellisation:application_detail", args=[draft.pk]),
        _step(draft, "expertise"),
        reverse("labellisation:attachment_download", args=[draft.pk, attachment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("labellisation:application_submit", args=[draft.pk]), CONFIRMED
        ).status_code
        == 404
    )
    draft.refresh_from_db()
    assert draft.state == LabelApplication.State.DRAFT


def test_a_colleague_downloads_the_attachment(client):
    draft = complete_application()
    colleague = MembershipFactory(collectivity=draft.collectivity, state="active").user
    client.force_login(colleague)
    attachment = draft.attachments.get()
    response = client.get(
        reverse("labellisation:attachment_download", args=[draft.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_submit_needs_a_post(client):
    draft = complete_application()
    client.force_login(draft.created_by)
    assert (
        client.get(reverse("labellisation:application_submit", args=[draft.pk])).status_code == 405
    )


def test_the_applicant_writes_to_daect_and_never_sees_internal_notes(client, daect):
    draft = complete_application()
    application = services.application_submit(application=draft, by=draft.created_by)
    services.application_note(application=application, by=daect, text="Dossier fragile")
    client.force_login(draft.created_by)
    client.post(
        reverse("labellisation:application_message", args=[draft.pk]),
        {"text": "Avez-vous reçu la délibération ?"},
    )
    assert mail.outbox[-1].to == [daect.email]
    page = client.get(reverse("labellisation:application_detail", args=[draft.pk]))
    assert "Avez-vous reçu" in page.content.decode()
    assert "Dossier fragile" not in page.content.decode()


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("labellisation:application_list")).status_code == 200
    return len(queries)


def _label_and_application(member):
    collectivity = member.collectivity
    LabelFactory(
        application__created_by=member,
        application__collectivity=collectivity,
        collectivity=collectivity,
    )
    LabelApplicationFactory(created_by=member, committee=CommitteeSessionFactory())


def test_the_list_makes_as_many_queries_for_five_rows_as_for_one(client, member):
    client.force_login(member)
    _label_and_application(member)
    few = _list_queries(client)
    for _ in range(4):
        _label_and_application(member)
    response = client.get(reverse("labellisation:application_list"))
    assert len(response.context["applications"]) == 10
    assert len(response.context["labels"]) == 5
    assert _list_queries(client) == few


def test_a_discarded_draft_leaves_the_dashboard(client):
    kept = LabelApplicationFactory()
    member = kept.created_by
    discarded = LabelApplicationFactory(created_by=member, archived_at="2026-01-01T00:00Z")
    client.force_login(member)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("labellisation:application_detail", args=[kept.pk]) in page
    assert reverse("labellisation:application_detail", args=[discarded.pk]) not in page
