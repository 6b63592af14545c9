"""A row is claimed and committed ("sending", a lease, a stable Message-ID) before the
SMTP server is spoken to; a row left "sending" by a dead worker goes again only after its
lease, with the same Message-ID; a permanent refusal fails at once, a temporary one is
tried again."""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expect.notifications import sweep
from expect.notifications.delivery import deliver_batch
from expect.notifications.models import Reminder
from missions.models import Mission
from tests.reports.factories import returned_mission

from .backends import ScriptedBackend, script
from .helpers import at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 4, 14)
NOW = at(TODAY)


def _due_today(count: int) -> list[Mission]:
    missions = [returned_mission() for _ in range(count)]
    Mission.objects.filter(pk__in=[m.pk for m in missions]).update(
        report_due_on=TODAY + datetime.timedelta(days=14)
    )
    return missions


def _at(moment):
    return time_machine.travel(moment, tick=False)


def test_the_row_is_claimed_with_its_message_id_before_the_server_is_spoken_to(settings):
    _due_today(1)
    script([None], settings)
    with _at(NOW):
        sweep.run()
    row = Reminder.objects.get()
    assert row.message_id == f"<reminder.{row.pk}.0@127.0.0.1>"
    assert ScriptedBackend.seen == [(row.message_id, "sending")]
    assert (row.status, row.lease_until, row.claim) == ("sent", None, "")
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_a_row_left_sending_by_a_dead_worker_waits_for_its_lease_then_keeps_its_message_id(
    settings,
):
    _due_today(1)
    with _at(NOW):
        sweep.plan_and_record()
    row = Reminder.objects.get()
    lease = NOW + datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    # What a worker killed after the server's "250" and before recording it leaves.
    Reminder.objects.filter(pk=row.pk).update(
        status="sending", lease_until=lease, message_id=f"<reminder.{row.pk}.0@127.0.0.1>"
    )
    with _at(lease - datetime.timedelta(seconds=1)):
        assert sweep.deliver_pending() == {}
    assert mail.outbox == []
    with _at(lease + datetime.timedelta(seconds=1)):
        assert sweep.deliver_pending() == {"sent": 1}
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == f"<reminder.{row.pk}.0@127.0.0.1>"


def test_a_permanent_refusal_fails_at_once(settings):
    _due_today(1)
    refused = smtplib.SMTPRecipientsRefused({"x@example.fr": (550, b"No such user")})
    script([refused], settings)
    with _at(NOW):
        sweep.run()
    row = Reminder.objects.get()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in row.last_error


def test_an_address_the_server_cannot_take_fails_at_once(settings):
    _due_today(1)
    script([smtplib.SMTPDataError(554, b"Message rejected")], settings)
    with _at(NOW):
        sweep.run()
    assert Reminder.objects.get().status == "failed"


def test_a_temporary_refusal_is_tried_again_later(settings):
    _due_today(1)
    script([smtplib.SMTPDataError(451, b"Try again later"), None], settings)
    with _at(NOW):
        sweep.run()
    row = Reminder.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    with _at(row.next_attempt_at):
        assert sweep.deliver_pending() == {"sent": 1}
    assert len(mail.outbox) == 1


def test_a_server_down_ends_the_batch_and_leaves_the_rest_untouched(settings):
    _due_today(4)
    down = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    script([down, down, down, down], settings)
    with _at(NOW):
        sweep.run()
    statuses = sorted(Reminder.objects.values_list("status", "attempts"))
    # Two tries failed, the two others went back to the queue without an attempt.
    assert statuses == [("pending", 0), ("pending", 0), ("pending", 1), ("pending", 1)]
    assert not Reminder.objects.exclude(claim="").exists()


def test_a_batch_costs_the_same_queries_for_few_and_many_messages(django_assert_num_queries):
    """Checks, recipients, preferences and the outcomes: a constant number per batch."""

    def planned(count: int) -> None:
        _due_today(count)
        with _at(NOW):
            sweep.plan_and_record()

    planned(2)
    with _at(NOW), CaptureQueriesContext(connection) as queries:
        outcomes, _ = deliver_batch()
    assert outcomes == {"sent": 2}
    planned(12)
    with _at(NOW), django_assert_num_queries(len(queries)):
        outcomes, _ = deliver_batch()
    assert outcomes == {"sent": 12}
