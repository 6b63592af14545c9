"""The experts are reminded of their report 14 and 3 days before, on the day, then weekly."""

import datetime

import pytest
import time_machine

from expect.notifications.models import Reminder
from missions.models import Mission
from tests.accounts.factories import UserFactory
from tests.reports.factories import returned_mission

from .helpers import at, sweep_on, to

pytestmark = pytest.mark.django_db

RETURN = datetime.date(2027, 2, 28)
DUE = datetime.date(2027, 4, 28)  # two calendar months after the return


@pytest.fixture
def mission():
    with time_machine.travel(at(datetime.date(2027, 3, 1)), tick=False):
        mission = returned_mission()  # back yesterday
    assert mission.report_due_on == DUE
    return mission


@pytest.fixture
def expert(mission):
    return mission.experts.get()


def test_nothing_is_sent_before_the_first_step(mission, expert):
    assert sweep_on(DUE - datetime.timedelta(days=15)) == []


def test_fourteen_days_before_the_expert_gets_a_reminder_with_the_date_and_a_link(mission, expert):
    sent = sweep_on(DUE - datetime.timedelta(days=14))

    [message] = to(sent, expert.email)
    assert "14 jours" in message.subject
    assert "28 avril 2027" in message.body
    assert f"/missions/{mission.pk}/rapport/" in message.body
    assert message.cc == []
    html = message.alternatives[0][0]
    assert f"/missions/{mission.pk}/rapport/" in html


def test_each_step_is_sent_once_however_many_sweeps_run(mission, expert):
    day = DUE - datetime.timedelta(days=14)
    first = sweep_on(day)
    again = sweep_on(day, hour=7) + sweep_on(day + datetime.timedelta(days=1))
    assert len(to(first, expert.email)) == 1
    assert to(again, expert.email) == []


@pytest.mark.parametrize(
    ("days_before", "step", "words"),
    [(3, "d-3", "3 jours"), (0, "d-0", "aujourd’hui")],
)
def test_three_days_before_and_on_the_day(mission, expert, days_before, step, words):
    for earlier in (14, 3):
        if earlier > days_before:
            sweep_on(DUE - datetime.timedelta(days=earlier))
    sent = sweep_on(DUE - datetime.timedelta(days=days_before))
    [message] = to(sent, expert.email)
    assert words in message.subject
    assert Reminder.objects.get(recipient=expert, step=f"{step}@{DUE}").status == "sent"


def test_overdue_reports_are_reminded_weekly_with_daect_in_copy(mission, expert, settings):
    daect = UserFactory(role="daect", is_staff=True)
    for days in (14, 3, 0):
        sweep_on(DUE - datetime.timedelta(days=days))
    assert sweep_on(DUE + datetime.timedelta(days=6)) == []

    [week_one] = to(sweep_on(DUE + datetime.timedelta(days=7)), expert.email)
    assert "7 jours de retard" in week_one.subject
    assert daect.email in week_one.cc
    assert sweep_on(DUE + datetime.timedelta(days=8)) == []
    [week_two] = to(sweep_on(DUE + datetime.timedelta(days=14)), expert.email)
    assert "14 jours de retard" in week_two.subject


def test_a_step_missed_while_the_system_was_down_is_sent_on_the_next_run(mission, expert):
    # Nothing ran on D-14 nor the days after: the next sweep, on D-10, catches up.
    sent = sweep_on(DUE - datetime.timedelta(days=10))
    [message] = to(sent, expert.email)
    assert "10 jours" in message.subject  # the message tells the true time left
    assert Reminder.objects.get(step=f"d-14@{DUE}").due_on == DUE - datetime.timedelta(days=14)


def test_a_handed_in_report_is_not_reminded(mission, expert):
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.REPORT_SUBMITTED)
    assert sweep_on(DUE - datetime.timedelta(days=3)) == []


def test_the_report_reminder_cannot_be_turned_off(mission, expert):
    from expect.notifications.models import Preference

    Preference.objects.create(user=expert, kind="reports.report_due", mode="off")
    assert len(to(sweep_on(DUE - datetime.timedelta(days=14)), expert.email)) == 1


def test_an_expert_who_chose_english_gets_it_in_english(mission, expert):
    expert.preferred_language = "en"
    expert.save()
    sweep_on(DUE - datetime.timedelta(days=14))
    [message] = to(sweep_on(DUE - datetime.timedelta(days=3)), expert.email)
    assert "due in 3 days" in message.subject
