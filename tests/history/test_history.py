"""Every change of the programme's records is kept with its author and time, and shown
in the admin (django-simple-history)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from labellisation import services as labellisation_services
from labellisation.models import Label, LabelApplication
from missions.models import Mission
from reports import services as report_services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.labellisation.factories import LabelFactory, complete_application
from tests.organisations.factories import ThemeFactory
from tests.reports.factories import returned_mission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_draft_created_on_the_portal_is_kept_with_its_author(client, member):
    client.force_login(member)
    client.post(
        reverse("labellisation:application_create"),
        {"theme": ThemeFactory().pk, "expertise": "Eau potable"},
    )
    record = LabelApplication.history.get()
    assert record.history_type == "+"
    assert record.history_user == member
    assert timezone.now() - record.history_date < datetime.timedelta(minutes=1)


def test_a_review_started_in_the_admin_shows_on_the_history_page(staff_client, daect):
    draft = complete_application()
    application = labellisation_services.application_submit(application=draft, by=draft.created_by)
    staff_client.post(
        reverse("admin:labellisation_labelapplication_changelist"),
        {"action": "start_review", "_selected_action": [application.pk]},
    )
    latest = application.history.first()
    assert (latest.state, latest.history_user) == (LabelApplication.State.IN_REVIEW, daect)
    page = staff_client.get(
        reverse("admin:labellisation_labelapplication_history", args=[application.pk])
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert str(daect) in content and "in_review" in content


def test_the_history_page_never_writes_an_old_version_back(staff_client):
    label = LabelFactory()
    version = label.history.get()
    url = reverse("admin:labellisation_label_simple_history", args=[label.pk, version.pk])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {"state": "revoked"}).status_code == 403
    assert label.history.count() == 1


def _expire(today) -> int:
    with CaptureQueriesContext(connection) as queries:
        labellisation_services.expire_labels(today)
    return len(queries)


def test_expiring_labels_in_bulk_keeps_their_history_in_constant_queries():
    today = timezone.localdate()
    ended = {"granted_on": today - datetime.timedelta(days=1200)}
    ended["valid_until"] = today - datetime.timedelta(days=1)
    LabelFactory(**ended)
    one = _expire(today)
    for _ in range(3):
        LabelFactory(**ended)
    assert _expire(today) == one
    expired = Label.history.filter(state=Label.State.EXPIRED)
    assert expired.count() == 4
    assert set(expired.values_list("history_change_reason", flat=True)) == {"expired"}


def test_a_mission_moved_by_the_report_workflow_keeps_the_change():
    mission = returned_mission()
    expert = mission.experts.get()
    report_services.report_start(mission=mission, by=expert)
    assert mission.history.first().state == Mission.State.REPORT_DUE


def test_a_change_of_the_team_is_kept():
    mission = returned_mission()
    expert = mission.experts.get()
    team = mission.history.first().experts.values_list("user_id", flat=True)
    assert list(team) == [expert.pk]


def test_signing_in_adds_no_row_to_the_account_history(client):
    user = UserFactory()
    before = user.history.count()
    assert client.login(username=user.email, password=PASSWORD)
    assert user.history.count() == before


def test_the_account_history_never_copies_the_password():
    user = UserFactory()
    assert not hasattr(user.history.first(), "password")
