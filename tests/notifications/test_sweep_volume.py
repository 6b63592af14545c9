"""The sweep finds the due steps with a number of queries that does not grow with the
number of objects it checks, so that it can run every hour on years of data."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expect.notifications import sweep
from expect.notifications.models import Reminder

pytestmark = pytest.mark.django_db


def _planning_queries() -> tuple[int, int]:
    """(queries, due steps) of one planning pass."""
    sweep.plan()  # the content types are cached once per process
    with CaptureQueriesContext(connection) as queries:
        dues = sweep.plan()
    return len(queries), len(dues)


def test_planning_costs_the_same_queries_on_ten_times_the_data(capsys):
    call_command("seed_demo", scale=100)
    small_queries, small_dues = _planning_queries()
    call_command("seed_demo", scale=1000)
    large_queries, large_dues = _planning_queries()

    assert large_dues > small_dues > 0  # more objects, more steps due: the test means something
    assert large_queries == small_queries


def test_recording_and_sending_a_large_sweep_sends_each_step_once(mailoutbox):
    call_command("seed_demo", scale=100)
    first = sweep.run()
    assert first["sent"] > 0
    assert len(mailoutbox) == first["sent"]
    again = sweep.run()
    assert again.get("sent", 0) == 0
    assert Reminder.objects.filter(status="sent").count() == first["sent"]
