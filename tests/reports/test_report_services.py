"""The life of a mission report, from draft to library, and every refusal on the way."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from pypdf import PdfWriter

from missions.models import Mission
from reports import services
from reports.models import EmbassyComment, MissionReport, ReportEvent
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.reports.factories import MissionReportFactory, returned_mission

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


def _complete(**kwargs) -> MissionReport:
    """A draft with everything a submission requires."""
    report = MissionReportFactory(**kwargs)
    report.file.save("rapport.pdf", ContentFile(_pdf()))
    report.file_name = "rapport.pdf"
    report.save(update_fields=["file_name"])
    return report


def _expert(report: MissionReport):
    return report.mission.experts.get()


def _submitted(**kwargs) -> MissionReport:
    report = _complete(**kwargs)
    return services.report_submit(report=report, by=_expert(report))


def _accepted(daect) -> MissionReport:
    return services.report_accept(report=_submitted(), by=daect, rating=3, evaluation="Utile.")


def test_it_refuses_to_start_a_report_before_the_return():
    mission = returned_mission()
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.UNDER_WAY)
    with pytest.raises(ValidationError) as error:
        services.report_start(mission=mission, by=mission.experts.get())
    assert error.value.code == "not_returned"
    assert not MissionReport.objects.exists()
    mission.refresh_from_db()
    assert mission.state == Mission.State.UNDER_WAY


def test_starting_the_report_makes_it_due():
    mission = returned_mission()
    report = services.report_start(mission=mission, by=mission.experts.get())
    assert report.state == State.DRAFT
    mission.refresh_from_db()
    assert mission.state == Mission.State.REPORT_DUE


def test_someone_off_the_team_cannot_start_it():
    mission = returned_mission()
    colleague = MembershipFactory(collectivity=mission.collectivity, state="active").user
    with pytest.raises(PermissionDenied):
        services.report_start(mission=mission, by=colleague)
    assert not MissionReport.objects.exists()


def test_someone_off_the_team_cannot_submit():
    report = _complete()
    colleague = MembershipFactory(collectivity=report.mission.collectivity, state="active").user
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, by=colleague)
    report.refresh_from_db()
    assert report.state == State.DRAFT
    assert not report.events.exists()


def test_an_incomplete_report_is_refused_with_what_is_missing():
    report = MissionReportFactory(results="")
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, by=_expert(report))
    assert error.value.code == "incomplete"
    report.refresh_from_db()
    assert report.state == State.DRAFT


def test_it_submits_once_and_refuses_a_second_submission():
    report = _submitted()
    assert report.state == State.SUBMITTED
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, by=_expert(report))
    assert error.value.code == "frozen"
    assert ReportEvent.objects.filter(to_state=State.SUBMITTED).count() == 1
    report.mission.refresh_from_db()
    assert report.mission.state == Mission.State.REPORT_SUBMITTED


def test_a_report_on_time_is_not_marked_late():
    assert not _submitted().is_late


def test_a_late_report_is_accepted_and_marked_late():
    report = _complete()
    late = datetime.datetime.combine(report.due_on, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(late + datetime.timedelta(days=10), tick=False):
        assert report.days_left() == -10
        report = services.report_submit(report=report, by=_expert(report))
    assert report.state == State.SUBMITTED
    assert report.is_late


def test_submitting_tells_daect_and_the_embassy(daect, django_capture_on_commit_callbacks):
    report = _complete()
    embassy_agent = report.mission.request.created_by
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, by=_expert(report))
    recipients = {address for message in mail.outbox for address in message.to}
    assert {daect.email, embassy_agent.email} <= recipients
    assert _expert(report).email not in recipients


def test_a_revision_sends_the_report_back_to_the_experts(daect, django_capture_on_commit_callbacks):
    report = _submitted()
    expert = _expert(report)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_request_revision(report=report, by=daect, reason="Ajoutez le budget.")
    report.refresh_from_db()
    assert report.state == State.REVISION_REQUESTED
    assert services.can_edit(expert, report)
    # The experts are told (the embassy and the collectivity hear of it by a notice).
    assert [message.to for message in mail.outbox if expert.email in message.to] == [[expert.email]]
    report.mission.refresh_from_db()
    assert report.mission.state == Mission.State.REPORT_DUE

    report = services.report_submit(report=report, by=expert)
    assert report.state == State.SUBMITTED
    assert ReportEvent.objects.filter(to_state=State.SUBMITTED).count() == 2


def test_a_revision_needs_a_reason_and_daect(daect):
    report = _submitted()
    with pytest.raises(ValidationError):
        services.report_request_revision(report=report, by=daect, reason=" ")
    with pytest.raises(PermissionDenied):
        services.report_request_revision(report=report, by=_expert(report), reason="Non.")
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_acceptance_with_a_rating_closes_the_mission(daect, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = _accepted(daect)
    assert (report.state, report.rating) == (State.ACCEPTED, 3)
    report.mission.refresh_from_db()
    assert report.mission.state == Mission.State.CLOSED
    assert _expert(report).email in {a for message in mail.outbox for a in message.to}


def test_a_rating_off_the_scale_is_refused(daect):
    report = _submitted()
    with pytest.raises(ValidationError):
        services.report_accept(report=report, by=daect, rating=5)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    assert report.rating is None


def test_an_accepted_report_is_no_longer_editable(daect):
    report = _accepted(daect)
    with pytest.raises(ValidationError) as error:
        services.check_editable(report, _expert(report))
    assert error.value.code == "frozen"


def test_only_an_accepted_report_is_published(daect):
    report = _submitted()
    with pytest.raises(ValidationError):
        services.report_publish(report=report, by=daect)
    report.refresh_from_db()
    assert not report.is_published
    report = services.report_accept(report=report, by=daect, rating=4)
    report = services.report_publish(report=report, by=daect, with_file=True)
    assert report.is_published and report.publish_file
    assert list(MissionReport.objects.published()) == [report]


def test_only_daect_publishes(daect):
    report = _accepted(daect)
    with pytest.raises(PermissionDenied):
        services.report_publish(report=report, by=_expert(report))


def test_it_withdraws_a_published_report_and_refuses_one_not_published(daect):
    report = services.report_publish(report=_accepted(daect), by=daect)
    report = services.report_unpublish(report=report, by=daect, reason="Données sensibles.")
    assert not report.is_published
    assert not MissionReport.objects.published().exists()
    event = ReportEvent.objects.filter(report=report).last()
    assert (event.verb, event.kind, event.comment) == (
        "report.unpublished",
        "change",
        "Données sensibles.",
    )
    with pytest.raises(ValidationError) as error:
        services.report_unpublish(report=report, by=daect)
    assert error.value.code == "not_published"
    assert ReportEvent.objects.filter(report=report, verb="report.unpublished").count() == 1


def test_only_daect_withdraws_a_report(daect):
    report = services.report_publish(report=_accepted(daect), by=daect)
    with pytest.raises(PermissionDenied):
        services.report_unpublish(report=report, by=_expert(report))
    report.refresh_from_db()
    assert report.is_published


def test_the_embassy_of_the_country_comments(daect, django_capture_on_commit_callbacks):
    report = _submitted()
    agent = report.mission.request.created_by
    with django_capture_on_commit_callbacks(execute=True):
        services.embassy_comment(report=report, by=agent, text="Le partenaire est satisfait.")
    assert EmbassyComment.objects.get().author == agent
    recipients = {address for message in mail.outbox for address in message.to}
    assert {daect.email, _expert(report).email} <= recipients


def test_another_embassy_cannot_comment():
    report = _submitted()
    other = EmbassyAgentFactory(embassy__countries=["ML"])
    with pytest.raises(PermissionDenied):
        services.embassy_comment(report=report, by=other, text="Bonjour.")
    assert not EmbassyComment.objects.exists()


def test_the_embassy_does_not_comment_a_draft():
    report = _complete()
    with pytest.raises(PermissionDenied):
        services.embassy_comment(report=report, by=report.mission.request.created_by, text="Tôt.")


def test_an_expert_cannot_comment_as_the_embassy():
    report = _submitted()
    with pytest.raises(PermissionDenied):
        services.embassy_comment(report=report, by=_expert(report), text="Merci.")
    assert not EmbassyComment.objects.exists()
