"""The instructor's desk: records assigned to a DAECT agent through the services, admin
lists filtered "assigned to me" / "unassigned" / late, the dashboard queue whose every
count opens exactly that list, and the list filters an instructor saves."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expect.core.models import SavedFilter
from labellisation import services as labellisation
from labellisation.models import LabelApplication
from missions import services as missions
from missions.models import Mission, MissionEvent, MissionRequest
from reports import services as reports
from reports.models import MissionReport, ReportEvent
from tests.accounts.factories import EmbassyAgentFactory, UserFactory
from tests.labellisation.factories import CommitteeSessionFactory, LabelApplicationFactory
from tests.missions.factories import MissionFactory, MissionRequestFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db
State = LabelApplication.State
APPLICATIONS = reverse("admin:labellisation_labelapplication_changelist")


@pytest.fixture
def instructor(db):
    return UserFactory(role="daect", is_staff=True, is_superuser=True, last_name="Instructrice")


def _submitted(**kwargs) -> LabelApplication:
    return LabelApplicationFactory(state=State.SUBMITTED, submitted_at=timezone.now(), **kwargs)


def test_daect_assigns_an_application_and_the_history_says_so(instructor, daect):
    application = _submitted()

    labellisation.application_assign(application=application, by=daect, to=instructor)

    application.refresh_from_db()
    assert application.assigned_to == instructor
    event = application.events.get()
    assert event.actor == daect and "Attribué à" in event.comment and not event.is_public


def test_the_need_mission_and_report_are_assigned_with_their_history(instructor):
    need = MissionRequestFactory(state=MissionRequest.State.SUBMITTED)
    report = MissionReportFactory()
    mission = report.mission

    missions.request_assign(need=need, by=instructor, to=instructor)
    missions.mission_assign(mission=mission, by=instructor, to=instructor)
    reports.report_assign(report=report, by=instructor, to=instructor)

    assert MissionRequest.objects.get(pk=need.pk).assigned_to == instructor
    assert Mission.objects.get(pk=mission.pk).assigned_to == instructor
    assert MissionReport.objects.get(pk=report.pk).assigned_to == instructor
    assert MissionEvent.objects.filter(request=need, comment__contains="Attribué").exists()
    assert MissionEvent.objects.filter(subject="mission", comment__contains="Attribué").exists()
    assert ReportEvent.objects.filter(report=report, comment__contains="Attribué").exists()


def test_only_daect_assigns_and_only_to_daect(instructor):
    application = _submitted()
    with pytest.raises(PermissionDenied):
        labellisation.application_assign(
            application=application, by=EmbassyAgentFactory(), to=instructor
        )
    with pytest.raises(ValidationError):
        labellisation.application_assign(application=application, by=instructor, to=UserFactory())
    application.refresh_from_db()
    assert application.assigned_to is None
    assert not application.events.exists()


def test_unassigning_is_recorded_too(instructor):
    application = _submitted(assigned_to=instructor)
    labellisation.application_assign(application=application, by=instructor, to=None)
    application.refresh_from_db()
    assert application.assigned_to is None
    assert "Plus attribué" in application.events.get().comment


def _listed(client, url) -> set[str]:
    page = client.get(url).content.decode()
    return set(re.findall(r'name="_selected_action" value="(\d+)"', page))


def test_the_admin_list_filters_mine_unassigned_and_late(client, instructor, daect):
    today = timezone.localdate()
    past = CommitteeSessionFactory(
        date=today - datetime.timedelta(days=2),
        application_deadline=today - datetime.timedelta(days=20),
    )
    mine = _submitted(assigned_to=instructor)
    mine_late = _submitted(assigned_to=instructor, committee=past)
    theirs = _submitted(assigned_to=daect)
    nobody = _submitted()
    client.force_login(instructor)

    assert _listed(client, f"{APPLICATIONS}?assigned=me") == {str(mine.pk), str(mine_late.pk)}
    assert _listed(client, f"{APPLICATIONS}?assigned=none") == {str(nobody.pk)}
    assert _listed(client, f"{APPLICATIONS}?assigned=me&overdue=yes") == {str(mine_late.pk)}
    assert str(theirs.pk) in _listed(client, APPLICATIONS)


def test_the_assign_to_me_action_goes_through_the_service(client, instructor):
    application = _submitted()
    client.force_login(instructor)
    client.post(
        APPLICATIONS,
        {"action": "assign_to_me", "_selected_action": [application.pk], "index": "0"},
    )
    application.refresh_from_db()
    assert application.assigned_to == instructor
    assert application.events.filter(actor=instructor).exists()


def test_the_assign_to_action_asks_whom(client, instructor, daect):
    application = _submitted()
    client.force_login(daect)
    data = {"action": "assign_to", "_selected_action": [application.pk], "index": "0"}
    assert "Instructrice" in client.post(APPLICATIONS, data).content.decode()
    client.post(APPLICATIONS, {**data, "apply": "1", "agent": instructor.pk})
    application.refresh_from_db()
    assert application.assigned_to == instructor


def _queue_links(client) -> dict[str, tuple[int, str]]:
    """The dashboard's queue lines: label → (count, admin URL)."""
    page = client.get(reverse("core:dashboard")).content.decode()
    rows = re.findall(
        r"<td>(?:<span[^>]*>)?([^<]+)(?:</span>)?</td>\s*<td><a href=\"([^\"]+)\">(\d+)", page
    )
    return [(label.strip(), int(count), unescape(url)) for label, url, count in rows]


def test_the_dashboard_opens_on_the_instructors_queue_each_count_opening_that_list(
    client, instructor, daect
):
    today = timezone.localdate()
    past = CommitteeSessionFactory(
        date=today - datetime.timedelta(days=2),
        application_deadline=today - datetime.timedelta(days=20),
    )
    _submitted(assigned_to=instructor)
    _submitted(assigned_to=instructor, committee=past)
    LabelApplicationFactory(state=State.IN_REVIEW, assigned_to=instructor)
    _submitted(assigned_to=daect)
    _submitted()
    MissionRequestFactory(state=MissionRequest.State.SUBMITTED, assigned_to=instructor)
    MissionFactory(assigned_to=instructor)
    MissionReportFactory(assigned_to=instructor)
    client.force_login(instructor)

    page = client.get(reverse("core:dashboard")).content.decode()
    assert page.index("Mon guichet") < page.index("Candidatures à examiner")
    lines = _queue_links(client)
    by_url = {url: count for _label, count, url in lines}
    assert by_url[f"{APPLICATIONS}?archived=no&assigned=me&state__exact=submitted"] == 2
    assert by_url[f"{APPLICATIONS}?archived=no&assigned=me&overdue=yes"] == 1
    for _label, count, url in lines:
        # The list behind each count holds exactly that many records.
        listed = client.get(url).content.decode()
        assert len(re.findall(r'name="_selected_action"', listed)) == count, url


def test_the_dashboard_queue_costs_the_same_queries_at_two_sizes(
    client, instructor, django_assert_num_queries
):
    _submitted(assigned_to=instructor)
    client.force_login(instructor)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:dashboard"))
    for _ in range(5):
        _submitted(assigned_to=instructor)
        MissionRequestFactory(state=MissionRequest.State.SUBMITTED, assigned_to=instructor)
    with django_assert_num_queries(len(few)):
        client.get(reverse("core:dashboard"))


def test_an_instructor_saves_a_list_filter_and_reopens_it(client, instructor):
    client.force_login(instructor)
    listed = client.get(f"{APPLICATIONS}?assigned=me&state__exact=submitted&p=2").content
    assert "Enregistrer les filtres actuels sous" in listed.decode()

    response = client.post(
        reverse("core:saved_filter_create"),
        {
            "name": "À instruire",
            "path": APPLICATIONS,
            "query": "assigned=me&state__exact=submitted",
        },
    )

    saved = SavedFilter.objects.get()
    assert (saved.owner, saved.query) == (instructor, "assigned=me&state__exact=submitted")
    assert response["Location"] == saved.url
    assert "À instruire" in client.get(APPLICATIONS).content.decode()
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert "Mes filtres enregistrés" in dashboard and saved.url.replace("&", "&amp;") in dashboard


def test_only_an_admin_list_is_saved(client, instructor):
    client.force_login(instructor)
    client.post(
        reverse("core:saved_filter_create"),
        {"name": "Ailleurs", "path": "//evil.example/admin/", "query": ""},
    )
    client.post(
        reverse("core:saved_filter_create"),
        {"name": "Tableau", "path": reverse("core:dashboard"), "query": ""},
    )
    assert not SavedFilter.objects.exists()


def test_a_saved_filter_is_its_owners_alone(client, instructor, daect):
    saved = SavedFilter.objects.create(owner=daect, name="Les miens", path=APPLICATIONS, query="")
    client.force_login(instructor)
    assert "Les miens" not in client.get(APPLICATIONS).content.decode()
    url = reverse("core:saved_filter_delete", args=[saved.pk])
    assert client.post(url).status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    client.force_login(daect)
    assert client.post(url).status_code == 302
    assert not SavedFilter.objects.exists()


def test_a_member_cannot_save_a_filter(client, member):
    client.force_login(member)
    response = client.post(
        reverse("core:saved_filter_create"), {"name": "x", "path": APPLICATIONS, "query": ""}
    )
    assert response.status_code == 404
    assert not SavedFilter.objects.exists()
