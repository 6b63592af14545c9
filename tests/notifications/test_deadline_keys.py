"""A step's key names its deadline: a renewed label gets the reminders of its new cycle,
a moved report deadline gets its new steps and never the old ones."""

import datetime

import pytest
import time_machine

from expect.notifications import sweep
from expect.notifications.models import Reminder
from labellisation import services
from labellisation.models import Label, LabelApplication
from missions.models import Mission
from tests.labellisation.factories import LabelApplicationFactory, LabelFactory
from tests.reports.factories import returned_mission

from .helpers import at, sweep_on, to

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
END = datetime.date(2027, 9, 1)
NEW_END = datetime.date(2030, 9, 1)


@pytest.fixture
def label():
    with time_machine.travel(at(datetime.date(2024, 9, 1)), tick=False):
        return LabelFactory(granted_on=datetime.date(2024, 9, 1), valid_until=END)


@pytest.fixture
def member(label):
    return label.application.created_by


def _renew(label: Label, member, on: datetime.date) -> LabelApplication:
    """A renewal application, granted on `on`: the label is extended by three years."""
    with time_machine.travel(at(on - datetime.timedelta(days=40)), tick=False):
        renewal = LabelApplicationFactory(
            created_by=member, theme=label.theme, state=LabelApplication.State.SUBMITTED
        )
    with time_machine.travel(at(on), tick=False):
        LabelApplication.objects.filter(pk=renewal.pk).update(state=LabelApplication.State.GRANTED)
        services.grant_label(renewal, on=on)
    label.refresh_from_db()
    return renewal


def test_a_renewed_label_gets_the_six_three_and_one_month_reminders_of_its_new_cycle(label, member):
    assert len(to(sweep_on(datetime.date(2027, 3, 1)), member.email)) == 1  # m-6 of the first
    _renew(label, member, datetime.date(2027, 5, 10))
    assert label.valid_until == NEW_END

    assert to(sweep_on(datetime.date(2027, 6, 1)), member.email) == []  # the old m-3: gone
    assert to(sweep_on(datetime.date(2027, 9, 2)), member.email) == []  # nor expired
    for day, step in [
        (datetime.date(2030, 3, 1), "m-6"),
        (datetime.date(2030, 6, 1), "m-3"),
        (datetime.date(2030, 8, 1), "m-1"),
    ]:
        assert to(sweep_on(day - DAY), member.email) == []
        [message] = to(sweep_on(day), member.email)
        assert "1 septembre 2030" in message.subject
        assert Reminder.objects.filter(step=f"{step}@2030-09-01", status="sent").count() == 1


def test_a_granted_renewal_is_no_longer_a_renewal_under_way(label, member):
    """Before, the granted renewal counted as "renewal under way" for ever."""
    _renew(label, member, datetime.date(2027, 5, 10))
    assert len(to(sweep_on(datetime.date(2030, 3, 1)), member.email)) == 1


def test_a_step_planned_for_the_old_cycle_is_superseded_not_sent(label, member, mailoutbox):
    with time_machine.travel(at(datetime.date(2027, 6, 1)), tick=False):
        sweep.plan_and_record()  # planned, not yet sent (the delivery comes next)
    _renew(label, member, datetime.date(2027, 6, 1))
    with time_machine.travel(at(datetime.date(2027, 6, 1), hour=7), tick=False):
        sweep.deliver_pending()
    row = Reminder.objects.get(step="m-3@2027-09-01")
    assert row.status == Reminder.Status.SUPERSEDED
    assert "2030-09-01" in row.last_error
    assert to(mailoutbox, member.email) == []


RETURN = datetime.date(2027, 2, 28)
DUE = datetime.date(2027, 4, 28)
MOVED_RETURN = datetime.date(2027, 3, 31)
MOVED_DUE = datetime.date(2027, 5, 31)


@pytest.fixture
def mission():
    with time_machine.travel(at(RETURN + DAY), tick=False):
        mission = returned_mission()
    assert mission.report_due_on == DUE
    return mission


def _move_return(mission: Mission) -> None:
    mission.return_date = MOVED_RETURN
    mission.save(update_fields=["return_date"])
    mission.refresh_from_db()
    assert mission.report_due_on == MOVED_DUE


def test_a_moved_report_deadline_gets_the_new_steps_and_not_the_old(mission):
    expert = mission.experts.get()
    assert len(to(sweep_on(DUE - 14 * DAY), expert.email)) == 1
    _move_return(mission)

    assert to(sweep_on(DUE - 3 * DAY), expert.email) == []  # the old D-3
    assert to(sweep_on(DUE), expert.email) == []  # the old D-0
    [fourteen] = to(sweep_on(MOVED_DUE - 14 * DAY), expert.email)
    assert "14 jours" in fourteen.subject
    assert "31 mai 2027" in fourteen.body
    [three] = to(sweep_on(MOVED_DUE - 3 * DAY), expert.email)
    assert "3 jours" in three.subject
    steps = set(Reminder.objects.filter(status="sent").values_list("step", flat=True))
    assert steps == {f"d-14@{DUE}", f"d-14@{MOVED_DUE}", f"d-3@{MOVED_DUE}"}


def test_an_old_step_still_to_send_when_the_deadline_moves_is_superseded(mission, mailoutbox):
    with time_machine.travel(at(DUE - 3 * DAY), tick=False):
        sweep.plan_and_record()
    _move_return(mission)
    with time_machine.travel(at(DUE - 3 * DAY, hour=7), tick=False):
        sweep.deliver_pending()
    assert Reminder.objects.get(step=f"d-3@{DUE}").status == Reminder.Status.SUPERSEDED
    assert mailoutbox == []
