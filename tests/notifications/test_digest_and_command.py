"""DAECT staff get a daily digest of what waits on them; `manage.py reminders --dry-run`
shows what would be sent now, and changes nothing."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from expect.accounts.models import User
from expect.notifications.models import Preference, Reminder
from labellisation.models import LabelApplication
from tests.accounts.factories import UserFactory
from tests.labellisation.factories import LabelApplicationFactory
from tests.reports.factories import returned_mission

from .helpers import at, sweep_on, to

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 3, 10)


@pytest.fixture
def agent():
    return UserFactory(role=User.Role.DAECT, is_staff=True)


def test_daect_gets_one_digest_a_day_of_what_waits_on_them(agent):
    LabelApplicationFactory.create_batch(2, state=LabelApplication.State.SUBMITTED)
    assert to(sweep_on(DAY, hour=6), agent.email) == []  # before the digest hour

    [digest] = to(sweep_on(DAY, hour=7), agent.email)
    assert "récapitulatif" in digest.subject.lower()
    assert "Candidatures à examiner : 2" in digest.body
    assert "/admin/labellisation/labelapplication/" in digest.body
    assert to(sweep_on(DAY, hour=15), agent.email) == []
    assert len(to(sweep_on(DAY + datetime.timedelta(days=1), hour=8), agent.email)) == 1


def test_no_digest_when_nothing_waits(agent):
    assert to(sweep_on(DAY, hour=8), agent.email) == []
    assert Reminder.objects.get(recipient=agent).status == Reminder.Status.SKIPPED


def test_daect_can_turn_off_the_summary(agent):
    LabelApplicationFactory(state=LabelApplication.State.SUBMITTED)
    Preference.objects.create(user=agent, kind="notifications.daect_summary", mode="off")
    assert to(sweep_on(DAY, hour=8), agent.email) == []


def test_dry_run_lists_what_would_be_sent_and_sends_nothing(mailoutbox):
    with time_machine.travel(at(DAY - datetime.timedelta(days=1)), tick=False):
        mission = returned_mission()
    expert = mission.experts.get()
    due_day = mission.report_due_on - datetime.timedelta(days=14)
    out = StringIO()
    with time_machine.travel(at(due_day), tick=False):
        call_command("reminders", "--dry-run", stdout=out)
    assert "reports.report_due" in out.getvalue()
    assert expert.email in out.getvalue()
    assert "d-14" in out.getvalue()
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_the_command_without_dry_run_runs_a_sweep(mailoutbox):
    with time_machine.travel(at(DAY - datetime.timedelta(days=1)), tick=False):
        mission = returned_mission()
    with time_machine.travel(at(mission.report_due_on - datetime.timedelta(days=14)), tick=False):
        call_command("reminders", stdout=StringIO())
    assert [m.to for m in mailoutbox] == [[mission.experts.get().email]]


def test_the_beat_schedule_runs_the_sweep_every_hour_and_the_retries_often(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    sweep_entry, retry_entry = schedule["reminders-sweep"], schedule["reminders-retry"]
    assert sweep_entry["task"] == "notifications.sweep"
    assert sweep_entry["schedule"].hour == set(range(24))  # every hour
    assert sweep_entry["schedule"].minute == {5}
    assert retry_entry["task"] == "notifications.deliver"
    assert len(retry_entry["schedule"].minute) == 12  # every five minutes
    from expect.celery import app

    app.loader.import_default_modules()
    assert {"notifications.sweep", "notifications.deliver"} <= set(app.tasks)
