"""Sending failures are retried with a growing delay, marked failed in the end, shown to
DAECT in the admin and sent again from there; two sweeps at once send each message once."""

import datetime
import threading

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.notifications import sweep
from expect.notifications.models import Reminder
from missions.models import Mission
from tests.reports.factories import returned_mission

from .backends import refuse_next
from .helpers import at

TODAY = datetime.date(2027, 4, 14)


def _missions_due_today(count: int) -> list[Mission]:
    """Missions whose report is due in 14 days: one reminder step each, today."""
    missions = [returned_mission() for _ in range(count)]
    Mission.objects.filter(pk__in=[m.pk for m in missions]).update(
        report_due_on=TODAY + datetime.timedelta(days=14)
    )
    return missions


def _sweep(moment: datetime.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return sweep.run()


@pytest.mark.django_db
def test_a_refused_message_is_tried_again_after_a_delay_then_sent_once(settings):
    [mission] = _missions_due_today(1)
    refuse_next(1, settings)
    nine = at(TODAY, 6)
    _sweep(nine)
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in reminder.last_error
    assert reminder.next_attempt_at == nine + datetime.timedelta(minutes=5)

    with time_machine.travel(nine + datetime.timedelta(minutes=4), tick=False):
        assert sweep.deliver_pending() == {}
    with time_machine.travel(nine + datetime.timedelta(minutes=5), tick=False):
        assert sweep.deliver_pending() == {"sent": 1}
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    assert len(mail.outbox) == 1
    _sweep(at(TODAY, 9))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_delay_grows_and_the_message_is_marked_failed_after_the_last_attempt(settings):
    _missions_due_today(1)
    settings.REMINDER_MAX_ATTEMPTS = 3
    refuse_next(10, settings)
    moment = at(TODAY, 6)
    _sweep(moment)
    delays = []
    for _ in range(2):
        reminder = Reminder.objects.get()
        delays.append(reminder.next_attempt_at - moment)
        moment = reminder.next_attempt_at
        with time_machine.travel(moment, tick=False):
            sweep.deliver_pending()
    assert delays == [datetime.timedelta(minutes=5), datetime.timedelta(minutes=15)]
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("failed", 3)
    with time_machine.travel(moment + datetime.timedelta(days=1), tick=False):
        assert sweep.deliver_pending() == {}
    assert mail.outbox == []


@pytest.mark.django_db
def test_daect_sees_failed_messages_in_the_admin_and_sends_them_again(client, daect, settings):
    _missions_due_today(1)
    settings.REMINDER_MAX_ATTEMPTS = 1
    refuse_next(1, settings)
    _sweep(at(TODAY, 6))
    reminder = Reminder.objects.get(kind="reports.report_due")
    assert reminder.status == "failed"

    client.force_login(daect)
    changelist = reverse("admin:notifications_reminder_changelist")
    page = client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert reminder.email in page
    mission_page = reverse("admin:missions_mission_change", args=[reminder.object_id])
    assert f'href="{mission_page}"' in page
    assert "Rapport de mission attendu" in page  # the kind in words, not its code

    response = client.post(
        changelist, {"action": "resend", "_selected_action": [reminder.pk]}, follow=True
    )
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    assert [m.to for m in mail.outbox] == [[reminder.email]]


@pytest.mark.django_db
def test_the_log_cannot_be_edited_or_deleted_from_the_admin(client, daect):
    _missions_due_today(1)
    _sweep(at(TODAY, 6))
    reminder = Reminder.objects.get()
    client.force_login(daect)
    delete = reverse("admin:notifications_reminder_delete", args=[reminder.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Reminder.objects.filter(pk=reminder.pk).exists()


@pytest.mark.django_db
def test_the_log_row_is_unique_per_object_step_and_recipient():
    from django.db import IntegrityError, transaction

    [mission] = _missions_due_today(1)
    _sweep(at(TODAY, 6))
    row = Reminder.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=row.kind,
            content_type=ContentType.objects.get_for_model(Mission),
            object_id=mission.pk,
            step=row.step,
            due_on=row.due_on,
            recipient_key=row.recipient_key,
            email=row.email,
        )


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_message_once():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL.")
    missions = _missions_due_today(8)
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait()
            _sweep(at(TODAY, 6))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted(m.experts.get().email for m in missions)
    assert recipients == expected
    assert Reminder.objects.filter(status="sent").count() == 8


@pytest.mark.django_db
def test_the_sweep_finds_due_steps_with_a_constant_number_of_queries(django_assert_num_queries):
    """Planning over many objects costs the same queries as over a few."""
    _missions_due_today(2)

    def count_planning_queries() -> int:
        with (
            time_machine.travel(at(TODAY, 8), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            sweep.plan()
        return len(queries)

    few = count_planning_queries()
    _missions_due_today(6)
    assert count_planning_queries() == few


@pytest.mark.django_db
def test_the_daect_dashboard_warns_of_failed_messages(client, daect, settings):
    client.force_login(daect)
    assert "Relances qui n’ont pas pu être envoyées" not in _dashboard(client)
    _missions_due_today(1)
    settings.REMINDER_MAX_ATTEMPTS = 1
    refuse_next(1, settings)
    _sweep(at(TODAY, 6))

    page = _dashboard(client)
    assert "Relances qui n’ont pas pu être envoyées" in page
    assert "?status__exact=failed" in page


def _dashboard(client) -> str:
    return client.get(reverse("core:dashboard")).content.decode()
