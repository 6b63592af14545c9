"""The experts write and hand in the report on the portal; the embassy comments it."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from expect.accounts.models import User
from missions.models import Mission
from reports import services
from reports.models import EmbassyComment, MissionReport, ReportAnnex
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.reports.factories import MissionReportFactory, returned_mission

# The person confirmed (in the modal, or on the confirmation page).
CONFIRMED = {"confirmed": "1"}

pytestmark = pytest.mark.django_db
State = MissionReport.State


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, image_format)
    return buffer.getvalue()


def _url(name: str, report_or_mission, *args) -> str:
    mission_pk = getattr(report_or_mission, "mission_id", None) or report_or_mission.pk
    return reverse(f"reports:{name}", args=[mission_pk, *args])


def _expert(report: MissionReport) -> User:
    return report.mission.experts.get()


def _complete(**kwargs) -> MissionReport:
    report = MissionReportFactory(**kwargs)
    report.file.save("rapport.pdf", ContentFile(_pdf()))
    report.file_name = "rapport.pdf"
    report.save(update_fields=["file_name"])
    return report


def _submitted() -> MissionReport:
    report = _complete()
    return services.report_submit(report=report, by=_expert(report))


def _second_expert(mission: Mission) -> User:
    expert = MembershipFactory(
        collectivity=mission.collectivity, state="active", user__role=User.Role.EXPERT
    ).user
    mission.experts.add(expert)
    return expert


def _edit_data(**changes) -> dict:
    data = {
        "summary": "Appui au budget participatif.",
        "activities": "Ateliers.",
        "results": "Un règlement adopté.",
        "recommendations": "",
        "follow_up": "",
        "lessons": "",
    }
    return {**data, **changes}


def _message_levels(response) -> list[str]:
    return [message.level_tag for message in response.context["messages"]]


# Reading


def test_a_team_expert_sees_the_report_with_its_deadline(client):
    report = MissionReportFactory()
    client.force_login(_expert(report))
    response = client.get(_url("report_detail", report))
    assert response.status_code == 200
    assert response.context["days_left"] == report.days_left() > 0
    assert response.context["can_edit"]
    assert _url("report_edit", report) in response.content.decode()


@pytest.mark.parametrize(
    "stranger",
    [
        lambda: MembershipFactory(state="active", user__role=User.Role.EXPERT).user,
        lambda: EmbassyAgentFactory(embassy__countries=["ML"]),
        lambda: MembershipFactory(state="pending").user,
    ],
    ids=["expert-of-another-collectivity", "embassy-of-another-country", "pending-member"],
)
def test_others_get_a_404(client, stranger):
    report = _submitted()
    client.force_login(stranger())
    for name in ("report_detail", "report_file", "report_edit"):
        assert client.get(_url(name, report)).status_code == 404
    assert client.post(_url("report_submit", report), CONFIRMED).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client):
    report = MissionReportFactory()
    response = client.get(_url("report_detail", report))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_collectivity_daect_and_the_embassy_read_the_report(client, daect):
    report = _submitted()
    member = MembershipFactory(collectivity=report.mission.collectivity, state="active").user
    for reader in (member, daect, report.mission.request.created_by):
        client.force_login(reader)
        response = client.get(_url("report_detail", report))
        assert response.status_code == 200
        assert not response.context["can_edit"]
        assert client.get(_url("report_file", report)).status_code == 200


def test_a_late_draft_shows_the_days_of_delay(client, time_machine):
    report = MissionReportFactory()
    due = datetime.datetime.combine(report.due_on, datetime.time(12), tzinfo=datetime.UTC)
    time_machine.move_to(due + datetime.timedelta(days=3), tick=False)
    client.force_login(_expert(report))
    response = client.get(_url("report_detail", report))
    assert response.context["days_late"] == 3


def test_the_pages_refuse_the_wrong_method(client):
    report = MissionReportFactory()
    client.force_login(_expert(report))
    assert client.post(_url("report_detail", report)).status_code == 405
    assert client.get(_url("report_submit", report)).status_code == 405
    assert client.get(_url("report_start", report)).status_code == 405
    assert client.get(_url("report_comment", report)).status_code == 405
    assert client.get(_url("report_annex_add", report)).status_code == 405


# Starting


def test_a_team_expert_starts_the_report_of_a_returned_mission(client):
    mission = returned_mission()
    client.force_login(mission.experts.get())
    page = client.get(_url("report_detail", mission))
    assert page.context["can_start"]
    response = client.post(_url("report_start", mission))
    assert response["Location"] == _url("report_edit", mission)
    assert MissionReport.objects.get().mission == mission
    mission.refresh_from_db()
    assert mission.state == Mission.State.REPORT_DUE


def test_a_mission_not_yet_returned_has_no_report_to_write(client):
    mission = returned_mission()
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.UNDER_WAY)
    client.force_login(mission.experts.get())
    page = client.get(_url("report_detail", mission))
    assert page.status_code == 200
    assert not page.context["can_start"]
    assert _url("report_start", mission) not in page.content.decode()
    response = client.post(_url("report_start", mission), follow=True)
    assert "error" in _message_levels(response)
    assert not MissionReport.objects.exists()
    mission.refresh_from_db()
    assert mission.state == Mission.State.UNDER_WAY


def test_a_member_off_the_team_cannot_start_the_report(client):
    mission = returned_mission()
    member = MembershipFactory(collectivity=mission.collectivity, state="active").user
    client.force_login(member)
    assert not client.get(_url("report_detail", mission)).context["can_start"]
    assert client.post(_url("report_start", mission)).status_code == 403
    assert not MissionReport.objects.exists()


# Editing


def test_any_expert_of_the_team_edits_the_draft(client):
    report = MissionReportFactory()
    second = _second_expert(report.mission)
    client.force_login(second)
    response = client.post(_url("report_edit", report), _edit_data(lessons="Traduire en wolof."))
    assert response["Location"] == _url("report_detail", report)
    report.refresh_from_db()
    assert report.lessons == "Traduire en wolof."
    assert report.state == State.DRAFT


def test_the_report_pdf_is_uploaded_then_replaced(client, tmp_path):
    report = MissionReportFactory()
    client.force_login(_expert(report))
    first = SimpleUploadedFile("../Rapport\x07 v1.pdf", _pdf(), "application/pdf")
    client.post(_url("report_edit", report), {**_edit_data(), "file": first})
    report.refresh_from_db()
    assert report.file_name == "Rapport v1.pdf"
    assert "Rapport" not in report.file.name  # stored under a random name
    old_name = report.file.name

    second = SimpleUploadedFile("Rapport final.pdf", _pdf(), "application/pdf")
    client.post(_url("report_edit", report), {**_edit_data(), "file": second})
    report.refresh_from_db()
    assert report.file_name == "Rapport final.pdf"
    assert not (tmp_path / old_name).exists()
    download = client.get(_url("report_file", report))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_saving_without_a_new_file_keeps_the_current_one(client):
    report = _complete()
    client.force_login(_expert(report))
    client.post(_url("report_edit", report), _edit_data(summary="Nouvelle synthèse."))
    report.refresh_from_db()
    assert report.summary == "Nouvelle synthèse."
    assert report.file and report.file_name == "rapport.pdf"


def test_a_non_pdf_report_file_is_refused_and_nothing_is_saved(client):
    report = MissionReportFactory()
    client.force_login(_expert(report))
    fake = SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(
        _url("report_edit", report), {**_edit_data(summary="Changé"), "file": fake}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    report.refresh_from_db()
    assert report.summary != "Changé"
    assert not report.file


def test_editing_after_acceptance_is_refused_and_nothing_changes(client, daect):
    report = services.report_accept(report=_submitted(), by=daect, rating=3)
    client.force_login(_expert(report))
    assert client.get(_url("report_edit", report)).status_code == 403
    response = client.post(_url("report_edit", report), _edit_data(summary="Changé"))
    assert response.status_code == 403
    png = SimpleUploadedFile("photo.png", _image("PNG"), "image/png")
    assert client.post(_url("report_annex_add", report), {"file": png}).status_code == 403
    report.refresh_from_db()
    assert report.summary != "Changé"
    assert report.state == State.ACCEPTED
    assert not ReportAnnex.objects.exists()


def test_a_member_off_the_team_cannot_edit(client):
    report = MissionReportFactory()
    member = MembershipFactory(collectivity=report.mission.collectivity, state="active").user
    client.force_login(member)
    assert client.post(_url("report_edit", report), _edit_data()).status_code == 403


# Annexes


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (lambda: _image("PNG"), "image/png"),
        (lambda: _image("JPEG"), "image/jpeg"),
        (_pdf, "application/pdf"),
    ],
    ids=["png", "jpeg", "pdf"],
)
def test_an_annex_is_stored_with_the_type_of_its_content(client, content, content_type):
    report = MissionReportFactory()
    client.force_login(_expert(report))
    # The browser's claim is ignored: only the content decides.
    upload = SimpleUploadedFile("annexe", content(), "text/html")
    client.post(_url("report_annex_add", report), {"file": upload})
    annex = ReportAnnex.objects.get()
    assert (annex.content_type, annex.report, annex.uploaded_by) == (
        content_type,
        report,
        _expert(report),
    )
    download = client.get(_url("report_annex", report, annex.pk))
    assert download["Content-Type"] == content_type


@pytest.mark.parametrize(
    "content",
    [b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x89PNG\r\n\x1a\nbroken", b"GIF89a"],
    ids=["svg", "broken-png", "gif"],
)
def test_an_annex_that_is_neither_a_pdf_nor_an_image_is_refused(client, content):
    report = MissionReportFactory()
    client.force_login(_expert(report))
    upload = SimpleUploadedFile("photo.png", content, "image/png")
    response = client.post(_url("report_annex_add", report), {"file": upload}, follow=True)
    assert "error" in _message_levels(response)
    assert not ReportAnnex.objects.exists()


def test_a_truncated_jpeg_is_refused(client):
    report = MissionReportFactory()
    client.force_login(_expert(report))
    content = _image("JPEG")
    upload = SimpleUploadedFile("photo.jpg", content[: len(content) // 2], "image/jpeg")
    client.post(_url("report_annex_add", report), {"file": upload})
    assert not ReportAnnex.objects.exists()


def test_an_annex_over_the_size_limit_is_refused(client, settings):
    settings.MAX_UPLOAD_SIZE = 100
    report = MissionReportFactory()
    client.force_login(_expert(report))
    upload = SimpleUploadedFile("photo.png", _image("PNG") + b"\0" * 200, "image/png")
    client.post(_url("report_annex_add", report), {"file": upload})
    assert not ReportAnnex.objects.exists()


def test_an_annex_is_removed_from_a_draft(client, tmp_path, django_capture_on_commit_callbacks):
    report = MissionReportFactory()
    client.force_login(_expert(report))
    upload = SimpleUploadedFile("photo.jpg", _image("JPEG"), "image/jpeg")
    client.post(_url("report_annex_add", report), {"file": upload})
    annex = ReportAnnex.objects.get()
    assert (tmp_path / annex.file.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("report_annex_delete", report, annex.pk), CONFIRMED)
    assert response["Location"] == _url("report_edit", report) + "#annexes"
    assert not ReportAnnex.objects.exists()
    assert not (tmp_path / annex.file.name).exists()


def test_an_annex_of_a_handed_in_report_is_kept(client):
    report = _complete()
    expert = _expert(report)
    ReportAnnex.objects.create(
        report=report,
        file=ContentFile(_pdf(), name="annexe.pdf"),
        original_name="annexe.pdf",
        content_type="application/pdf",
        size=1,
        uploaded_by=expert,
    )
    services.report_submit(report=report, by=expert)
    client.force_login(expert)
    annex = ReportAnnex.objects.get()
    assert client.post(_url("report_annex_delete", report, annex.pk), CONFIRMED).status_code == 403
    assert ReportAnnex.objects.filter(pk=annex.pk).exists()


def _edit_page_queries(client, report: MissionReport) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url("report_edit", report))
    assert response.status_code == 200
    return len(queries)


def test_the_edit_page_query_count_does_not_grow_with_annexes(client):
    report = MissionReportFactory()
    client.force_login(_expert(report))

    def add_annexes(n: int) -> None:
        for _ in range(n):
            # Each by a different person: the page names who added each annex.
            uploaded_by = _second_expert(report.mission)
            ReportAnnex.objects.create(
                report=report,
                file=ContentFile(b"%PDF-1.4", name="annexe.pdf"),
                original_name="annexe.pdf",
                content_type="application/pdf",
                size=8,
                uploaded_by=uploaded_by,
            )

    add_annexes(1)
    few = _edit_page_queries(client, report)
    add_annexes(5)
    assert _edit_page_queries(client, report) == few


def test_an_annex_of_another_report_is_not_found(client):
    report = MissionReportFactory()
    other = MissionReportFactory()
    client.force_login(_expert(other))
    upload = SimpleUploadedFile("photo.png", _image("PNG"), "image/png")
    client.post(_url("report_annex_add", other), {"file": upload})
    annex = ReportAnnex.objects.get()
    client.force_login(_expert(report))
    assert client.get(_url("report_annex", report, annex.pk)).status_code == 404


# Handing in


def test_handing_in_tells_daect_and_the_embassy(client, daect):
    report = _complete()
    client.force_login(_expert(report))
    response = client.post(_url("report_submit", report), CONFIRMED)
    assert response["Location"] == _url("report_detail", report)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    assert not report.is_late
    recipients = {address for message in mail.outbox for address in message.to}
    assert {daect.email, report.mission.request.created_by.email} <= recipients


def test_an_incomplete_report_is_not_handed_in(client):
    report = MissionReportFactory()  # no PDF yet
    client.force_login(_expert(report))
    assert client.get(_url("report_detail", report)).context["missing"]
    response = client.post(_url("report_submit", report), CONFIRMED, follow=True)
    assert "error" in _message_levels(response)
    report.refresh_from_db()
    assert report.state == State.DRAFT
    assert not mail.outbox


def test_a_second_submission_is_refused(client):
    report = _complete()
    client.force_login(_expert(report))
    client.post(_url("report_submit", report), CONFIRMED)
    sent = len(mail.outbox)
    response = client.post(_url("report_submit", report), CONFIRMED, follow=True)
    assert "error" in _message_levels(response)
    assert report.events.filter(to_state=State.SUBMITTED).count() == 1
    assert len(mail.outbox) == sent


def test_a_member_off_the_team_cannot_hand_it_in(client):
    report = _complete()
    member = MembershipFactory(collectivity=report.mission.collectivity, state="active").user
    client.force_login(member)
    assert client.post(_url("report_submit", report), CONFIRMED).status_code == 403
    report.refresh_from_db()
    assert report.state == State.DRAFT


def test_after_a_revision_request_the_experts_edit_and_hand_in_again(client, daect):
    report = _submitted()
    services.report_request_revision(report=report, by=daect, reason="Ajoutez le budget.")
    client.force_login(_expert(report))
    assert client.get(_url("report_detail", report)).context["can_edit"]
    client.post(_url("report_edit", report), _edit_data(results="Budget ajouté."))
    client.post(_url("report_submit", report), CONFIRMED)
    report.refresh_from_db()
    assert (report.state, report.results) == (State.SUBMITTED, "Budget ajouté.")


# Comments of the embassy


def test_the_embassy_of_the_country_comments(client, daect):
    report = _submitted()
    agent = report.mission.request.created_by
    client.force_login(agent)
    assert client.get(_url("report_detail", report)).context["can_comment"]
    client.post(_url("report_comment", report), {"text": "Le partenaire est satisfait."})
    assert EmbassyComment.objects.get().author == agent
    recipients = {address for message in mail.outbox for address in message.to}
    assert {daect.email, _expert(report).email} <= recipients


def test_another_embassy_cannot_comment(client):
    report = _submitted()
    client.force_login(EmbassyAgentFactory(embassy__countries=["ML"]))
    assert client.post(_url("report_comment", report), {"text": "Bonjour"}).status_code == 404
    assert not EmbassyComment.objects.exists()


def test_the_experts_do_not_comment_as_the_embassy(client):
    report = _submitted()
    client.force_login(_expert(report))
    assert not client.get(_url("report_detail", report)).context["can_comment"]
    assert client.post(_url("report_comment", report), {"text": "Merci"}).status_code == 403
    assert not EmbassyComment.objects.exists()


def test_an_empty_comment_is_refused(client):
    report = _submitted()
    client.force_login(report.mission.request.created_by)
    response = client.post(_url("report_comment", report), {"text": ""}, follow=True)
    assert "error" in _message_levels(response)
    assert not EmbassyComment.objects.exists()


# Dashboard


def test_the_dashboard_of_an_expert_links_to_the_report_due(client):
    mission = returned_mission()
    client.force_login(mission.experts.get())
    response = client.get(reverse("core:dashboard"))
    assert _url("report_detail", mission) in response.content.decode()


def test_the_dashboard_of_the_embassy_lists_the_reports_handed_in(client):
    report = _submitted()
    client.force_login(report.mission.request.created_by)
    response = client.get(reverse("core:dashboard"))
    assert _url("report_detail", report) in response.content.decode()


def test_the_dashboard_of_daect_counts_the_reports_to_evaluate(client, daect):
    _submitted()
    client.force_login(daect)
    response = client.get(reverse("core:dashboard"))
    [section] = [s for s in response.context["sections"] if s.template.startswith("reports/")]
    assert (section.context["to_evaluate"], section.context["overdue"]) == (1, 0)
    assert "/admin/missions/mission/?report=overdue" in response.content.decode()
