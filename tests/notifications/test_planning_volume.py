"""The sweep plans in the database and sends in batches with a number of queries that does
not grow with the number of missions or messages; a sweep with nothing new to plan reads
two small things and stops.

(How fast it is on a million missions is measured by `bench/sweep.py`, not here.)"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expect.accounts.models import User
from expect.notifications import sweep
from expect.notifications.delivery import deliver_batch
from expect.notifications.models import PlanningMark, Reminder
from labellisation.models import LabelApplication
from missions.models import Mission
from tests.accounts.factories import UserFactory
from tests.labellisation.factories import LabelApplicationFactory
from tests.reports.factories import returned_mission

from .helpers import at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 4, 14)
DAY = datetime.timedelta(days=1)


def _missions(count: int) -> None:
    """Half due for their D-14 today, half three weeks overdue (the weekly series)."""
    with time_machine.travel(at(TODAY - 40 * DAY), tick=False):
        missions = [returned_mission() for _ in range(count)]
    for index, mission in enumerate(missions):
        due = TODAY + 14 * DAY if index % 2 else TODAY - 21 * DAY
        Mission.objects.filter(pk=mission.pk).update(report_due_on=due)


def _queries(function, moment) -> int:
    with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def _full_planning_queries() -> int:
    PlanningMark.objects.all().delete()  # as if no sweep had run yet
    return _queries(sweep.plan_and_record, at(TODAY))


def test_planning_costs_the_same_queries_for_few_and_many_missions():
    _missions(2)
    _full_planning_queries()  # the content types are cached once per process
    Reminder.objects.all().delete()
    few = _full_planning_queries()
    planned = Reminder.objects.count()
    _missions(6)
    assert _full_planning_queries() == few
    assert Reminder.objects.count() > planned > 0  # more missions, more rows: it means something


def test_the_overdue_and_the_coming_steps_are_both_planned():
    _missions(2)
    with time_machine.travel(at(TODAY), tick=False):
        sweep.plan_and_record()
    steps = set(Reminder.objects.values_list("step", "status"))
    assert (f"d-14@{TODAY + 14 * DAY}", "pending") in steps
    assert (f"overdue-3@{TODAY - 21 * DAY}", "pending") in steps
    assert (f"overdue-1@{TODAY - 21 * DAY}", "caught_up") in steps


@pytest.mark.parametrize("count", [2, 6])
def test_a_sweep_with_nothing_new_reads_the_marks_and_the_watermarks_only(count):
    _missions(count)
    with time_machine.travel(at(TODAY), tick=False):
        sweep.plan_and_record()
        sweep.plan_and_record()  # the rows just written moved the digest's watermark
    assert _queries(sweep.plan_and_record, at(TODAY, hour=6) + datetime.timedelta(hours=0.5)) == 2


def test_a_mission_created_after_the_day_s_planning_is_planned_by_the_next_sweep():
    with time_machine.travel(at(TODAY), tick=False):
        sweep.plan_and_record()
    _missions(1)
    with time_machine.travel(at(TODAY, hour=7), tick=False):
        sweep.plan_and_record()
    assert Reminder.objects.filter(step=f"overdue-3@{TODAY - 21 * DAY}").exists()


def test_a_deadline_moved_after_the_day_s_planning_gets_its_step_the_same_day():
    _missions(1)  # three weeks overdue: its weekly step is planned this morning
    with time_machine.travel(at(TODAY), tick=False):
        sweep.plan_and_record()
    mission = Mission.objects.get()
    with time_machine.travel(at(TODAY, hour=9), tick=False):
        # Back on 17 February after all: the report is due on 17 April, its D-3 is today.
        mission.departure_date = datetime.date(2027, 2, 10)
        mission.return_date = datetime.date(2027, 2, 17)
        mission.save(update_fields=["departure_date", "return_date"])
        sweep.plan_and_record()
    assert Reminder.objects.filter(step="d-3@2027-04-17", status="pending").exists()


def _digests_held_for(agents: int) -> None:
    UserFactory.create_batch(agents, role=User.Role.DAECT, is_staff=True)
    LabelApplicationFactory(state=LabelApplication.State.SUBMITTED)


def test_a_batch_of_digests_costs_the_same_queries_for_few_and_many_agents():
    _digests_held_for(2)
    with time_machine.travel(at(TODAY, hour=8), tick=False):
        sweep.plan_and_record()
        with CaptureQueriesContext(connection) as few:
            outcomes, _ = deliver_batch()
    assert outcomes == {"sent": 2}
    _digests_held_for(6)
    with time_machine.travel(at(TODAY, hour=9), tick=False):
        sweep.plan_and_record()
        with CaptureQueriesContext(connection) as many:
            outcomes, _ = deliver_batch()
    assert outcomes == {"sent": 6}
    assert len(many) == len(few)
