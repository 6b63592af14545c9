"""DAECT evaluates, sends back, accepts and publishes reports from the admin."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfWriter

from missions.models import Mission
from reports import services
from reports.models import MissionReport, ReportAnnex
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db
State = MissionReport.State
URL = reverse("admin:reports_missionreport_changelist")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _submitted() -> MissionReport:
    report = MissionReportFactory()
    report.file.save("rapport.pdf", ContentFile(_pdf()))
    return services.report_submit(report=report, by=report.mission.experts.get())


def _act(client, action: str, report: MissionReport, **data):
    return client.post(
        URL, {"action": action, "_selected_action": [report.pk], **data}, follow=True
    )


def _results(client, **params) -> set[int]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return {report.pk for report in response.context["cl"].result_list}


def test_daect_requests_a_revision_with_a_reason(client, daect):
    report = _submitted()
    client.force_login(daect)
    _act(client, "request_revision", report, apply="1", reason="Ajoutez le budget.")
    report.refresh_from_db()
    assert report.state == State.REVISION_REQUESTED
    assert report.events.last().comment == "Ajoutez le budget."


def test_a_revision_without_a_reason_is_not_requested(client, daect):
    report = _submitted()
    client.force_login(daect)
    _act(client, "request_revision", report, apply="1", reason="")
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_accepting_asks_for_a_rating_then_closes_the_mission(client, daect):
    report = _submitted()
    client.force_login(daect)
    page = _act(client, "accept", report)
    assert page.templates[0].name == "reports/admin/accept.html"
    _act(client, "accept", report, apply="1", rating="4", evaluation="Très utile.")
    report.refresh_from_db()
    assert (report.state, report.rating, report.evaluation) == (State.ACCEPTED, 4, "Très utile.")
    report.mission.refresh_from_db()
    assert report.mission.state == Mission.State.CLOSED


@pytest.mark.parametrize("rating", ["", "5", "zéro"])
def test_a_rating_off_the_scale_is_asked_again(client, daect, rating):
    report = _submitted()
    client.force_login(daect)
    page = _act(client, "accept", report, apply="1", rating=rating)
    assert page.context["form"].errors["rating"]
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_a_draft_cannot_be_accepted(client, daect):
    report = MissionReportFactory()
    client.force_login(daect)
    response = _act(client, "accept", report, apply="1", rating="3")
    assert any(message.level_tag == "error" for message in response.context["messages"])
    report.refresh_from_db()
    assert report.state == State.DRAFT


def test_only_an_accepted_report_is_published(client, daect):
    report = _submitted()
    client.force_login(daect)
    _act(client, "publish", report)
    report.refresh_from_db()
    assert not report.is_published

    services.report_accept(report=report, by=daect, rating=3)
    _act(client, "publish_with_file", report)
    report.refresh_from_db()
    assert report.is_published and report.publish_file


def test_a_report_is_published_without_its_file_then_withdrawn(client, daect):
    report = services.report_accept(report=_submitted(), by=daect, rating=3)
    client.force_login(daect)
    _act(client, "publish", report)
    report.refresh_from_db()
    assert report.is_published and not report.publish_file
    _act(client, "unpublish", report, apply="1", reason="")
    report.refresh_from_db()
    assert not report.is_published


def test_the_deadline_filter(client, daect, time_machine):
    on_time = MissionReportFactory()
    handed_in = _submitted()
    overdue = MissionReportFactory()
    Mission.objects.filter(pk=overdue.mission_id).update(
        report_due_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    client.force_login(daect)
    assert _results(client, deadline="due") == {on_time.pk, overdue.pk}
    assert _results(client, deadline="overdue") == {overdue.pk}
    assert _results(client, deadline="handed_in") == {handed_in.pk}
    assert _results(client) == {on_time.pk, handed_in.pk, overdue.pk}


def test_the_list_filters_by_state_and_theme(client, daect):
    draft = MissionReportFactory()
    handed_in = _submitted()
    client.force_login(daect)
    assert _results(client, state__exact="submitted") == {handed_in.pk}
    theme = draft.mission.request.theme
    assert _results(client, mission__request__theme__id__exact=theme.pk) == {draft.pk}


def test_the_page_of_a_report_links_its_files_through_the_portal(client, daect):
    report = _submitted()
    annex = ReportAnnex.objects.create(
        report=report,
        file=ContentFile(_pdf(), name="annexe.pdf"),
        original_name="annexe.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=report.mission.experts.get(),
    )
    client.force_login(daect)
    response = client.get(reverse("admin:reports_missionreport_change", args=[report.pk]))
    content = response.content.decode()
    assert reverse("reports:report_annex", args=[report.mission_id, annex.pk]) in content
    assert reverse("reports:report_file", args=[report.mission_id]) in content
    assert 'name="_save"' not in content


def test_reports_are_neither_added_nor_deleted_here(client, daect):
    report = _submitted()
    client.force_login(daect)
    assert client.get(reverse("admin:reports_missionreport_add")).status_code == 403
    delete = reverse("admin:reports_missionreport_delete", args=[report.pk])
    assert client.get(delete).status_code == 403
    response = client.get(URL)
    assert "delete_selected" not in response.content.decode()


@pytest.mark.parametrize(
    ("action", "content_type"),
    [
        ("export_csv", "text/csv; charset=utf-8"),
        ("export_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_selection_is_exported(client, daect, action, content_type):
    report = _submitted()
    client.force_login(daect)
    response = client.post(URL, {"action": action, "_selected_action": [report.pk]})
    assert response["Content-Type"] == content_type
    if action == "export_csv":
        assert report.mission.collectivity.name in response.content.decode("utf-8-sig")


def test_an_expert_cannot_open_the_admin(client):
    report = _submitted()
    client.force_login(report.mission.experts.get())
    assert client.get(URL).status_code == 302


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_query_count_does_not_grow_with_rows(client, daect):
    client.force_login(daect)
    MissionReportFactory.create_batch(2)
    few = _count(client)
    MissionReportFactory.create_batch(18)
    assert _count(client) == few
