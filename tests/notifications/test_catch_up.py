"""After an outage each deadline gets the one message that fits today; the earlier steps
are logged as caught up, those older than the catch-up window as expired."""

import datetime

import pytest
import time_machine

from expect.accounts.models import User
from expect.notifications.models import Reminder
from tests.accounts.factories import UserFactory
from tests.labellisation.factories import LabelFactory
from tests.reports.factories import returned_mission

from .helpers import at, sweep_on, to

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
DUE = datetime.date(2027, 4, 28)


@pytest.fixture
def mission():
    with time_machine.travel(at(datetime.date(2027, 3, 1)), tick=False):
        mission = returned_mission()
    assert mission.report_due_on == DUE
    return mission


@pytest.fixture
def label():
    # Valid until 25 July 2027: its three-month step (25 April) falls in the outage.
    with time_machine.travel(at(datetime.date(2024, 7, 25)), tick=False):
        return LabelFactory(
            granted_on=datetime.date(2024, 7, 25), valid_until=datetime.date(2027, 7, 25)
        )


def _statuses(**lookups) -> dict[str, str]:
    return dict(Reminder.objects.filter(**lookups).values_list("step", "status"))


def test_a_ten_day_outage_sends_one_message_per_deadline(mission, label):
    expert, member = mission.experts.get(), label.application.created_by
    assert len(to(sweep_on(datetime.date(2027, 1, 25)), member.email)) == 1  # M-6, in time
    assert sweep_on(DUE - 15 * DAY) == []  # the last sweep before the outage
    # Down ten days, from D-14 to D-5: the report's D-14 and D-3 and the label's M-3
    # (25 April) were missed. The next sweep, on D-2, sends one message per deadline.
    sent = sweep_on(DUE - 2 * DAY)
    [report] = to(sent, expert.email)
    assert "2 jours" in report.subject  # told from today and the real due date
    [renew] = to(sent, member.email)
    assert "25 juillet 2027" in renew.subject
    assert len(sent) == 2
    assert _statuses(object_id=mission.pk, kind="reports.report_due") == {
        f"d-14@{DUE}": "caught_up",
        f"d-3@{DUE}": "sent",
    }
    assert _statuses(kind="labellisation.label_expiry") == {
        "m-6@2027-07-25": "sent",
        "m-3@2027-07-25": "sent",
    }
    assert sweep_on(DUE - DAY) == []


def test_a_late_step_never_says_due_in_a_negative_number_of_days(mission):
    expert = mission.experts.get()
    sweep_on(DUE - 14 * DAY)
    [message] = to(sweep_on(DUE + 3 * DAY), expert.email)  # D-0, three days late
    assert "3 jours de retard" in message.subject
    assert "-3" not in message.subject + message.body


def test_missed_weekly_overdue_reminders_become_one_message_for_the_current_week(mission):
    expert = mission.experts.get()
    daect = UserFactory(role=User.Role.DAECT, is_staff=True)
    sweep_on(DUE)
    [message] = to(sweep_on(DUE + 22 * DAY), expert.email)  # weeks 1 and 2 were missed
    assert "22 jours de retard" in message.subject
    assert daect.email in message.cc
    statuses = _statuses(object_id=mission.pk, recipient=expert)
    assert statuses[f"overdue-1@{DUE}"] == statuses[f"overdue-2@{DUE}"] == "caught_up"
    assert statuses[f"overdue-3@{DUE}"] == "sent"
    assert to(sweep_on(DUE + 27 * DAY), expert.email) == []
    [week_four] = to(sweep_on(DUE + 28 * DAY), expert.email)
    assert "28 jours de retard" in week_four.subject


def test_a_step_older_than_the_catch_up_window_is_logged_as_expired_not_sent(label, settings):
    settings.REMINDER_CATCH_UP_DAYS = 5
    member = label.application.created_by
    # Nothing ran from May: the label ended on 25 July, the sweep comes back on 10 August.
    sweep_on(datetime.date(2027, 4, 25))
    assert to(sweep_on(datetime.date(2027, 8, 10)), member.email) == []
    label.refresh_from_db()
    assert label.state == "expired"  # the state change is made all the same
    statuses = _statuses(kind="labellisation.label_expiry")
    assert statuses["expired@2027-07-25"] == "expired"
    assert statuses["m-1@2027-07-25"] == "expired"
    assert to(sweep_on(datetime.date(2027, 8, 11)), member.email) == []  # and only once
