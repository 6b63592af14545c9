"""Nothing waits for ever: SMTP timeouts from the settings (and from EMAIL_URL), time
limits on every task, delivery in bounded batches enqueued as separate tasks, and a
server that stops answering holds one message for its timeout, not the others."""

import datetime
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller

from expect.notifications import sweep, tasks
from expect.notifications.models import Reminder
from missions.models import Mission
from tests.reports.factories import returned_mission

from .helpers import at

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.date(2027, 4, 14)


def _setting(name: str, **env) -> str:
    """A setting as a fresh process reads it from the environment."""
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "expect.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return (result.stdout + result.stderr).strip()


def test_the_timeout_of_email_url_is_honoured_and_email_timeout_wins():
    assert _setting("EMAIL_TIMEOUT", EMAIL_URL="smtp://mail.example:25/?timeout=7") == "7"
    url = {"EMAIL_URL": "smtp://mail.example:25/?timeout=7", "EMAIL_TIMEOUT": "3"}
    assert _setting("EMAIL_TIMEOUT", **url) == "3"
    assert _setting("EMAIL_TIMEOUT", EMAIL_URL="") == "20"  # a default, never none
    assert "EMAIL_TIMEOUT='0' is below its minimum" in _setting("EMAIL_TIMEOUT", EMAIL_TIMEOUT="0")


def test_every_reminder_task_has_a_soft_and_a_hard_time_limit(settings):
    for task in (tasks.sweep, tasks.deliver_batch, tasks.deliver):
        assert 0 < task.soft_time_limit < task.time_limit
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    # A claimed row outlives a batch's hard limit: a live worker is never overtaken.
    assert tasks.deliver_batch.time_limit < settings.REMINDER_LEASE_SECONDS


def _due_today(count: int) -> list[Mission]:
    missions = [returned_mission() for _ in range(count)]
    Mission.objects.filter(pk__in=[m.pk for m in missions]).update(
        report_due_on=TODAY + datetime.timedelta(days=14)
    )
    return missions


@pytest.mark.django_db
def test_the_sweep_enqueues_its_delivery_as_bounded_batches(settings, monkeypatch):
    settings.REMINDER_BATCH_SIZE = 2
    _due_today(5)
    enqueued = []
    monkeypatch.setattr(tasks.deliver_batch, "delay", lambda: enqueued.append(1))
    with time_machine.travel(at(TODAY), tick=False):
        summary = tasks.sweep()
    assert len(summary["batches"]) == 3 == len(enqueued)
    assert Reminder.objects.filter(status="pending").count() == 5  # sent by the batches


@pytest.mark.django_db
def test_a_full_batch_enqueues_the_next_one(settings, monkeypatch, mailoutbox):
    settings.REMINDER_BATCH_SIZE = 2
    _due_today(3)
    with time_machine.travel(at(TODAY), tick=False):
        sweep.plan_and_record()
    enqueued = []
    monkeypatch.setattr(tasks.deliver_batch, "delay", lambda: enqueued.append(1))
    with time_machine.travel(at(TODAY), tick=False):
        assert tasks.deliver_batch.run() == {"sent": 2}
        assert enqueued == [1]
        assert tasks.deliver_batch.run() == {"sent": 1}
    assert enqueued == [1]  # the last batch was not full: the queue is empty
    assert len(mailoutbox) == 3


class StallingServer:
    """Accepts connections; holds the first message without an answer until released."""

    def __init__(self):
        self.release = threading.Event()
        self.received: list[str] = []
        self._first = True

    async def handle_DATA(self, server, session, envelope):
        if self._first:
            self._first = False
            await server.loop.run_in_executor(None, self.release.wait, 60)
            return "451 Too late"
        self.received.append(envelope.rcpt_tos[0])
        return "250 OK"


@pytest.fixture
def stalling_smtp(settings):
    handler = StallingServer()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 1
    yield handler
    handler.release.set()
    controller.stop()


@pytest.mark.django_db
def test_a_stalled_server_holds_one_message_for_its_timeout_and_the_others_go_out(
    stalling_smtp,
):
    missions = _due_today(3)
    with time_machine.travel(at(TODAY), tick=False):
        summary = sweep.run()
    assert summary["sent"] == 2
    experts = {m.experts.get().email for m in missions}
    stalled = Reminder.objects.get(status="pending")
    assert stalled.attempts == 1 and "SMTPServerDisconnected" in stalled.last_error
    assert set(stalling_smtp.received) == experts - {stalled.email}


@pytest.mark.django_db
def test_a_batch_stopped_by_its_time_limit_puts_the_unsent_rows_back(settings, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from expect.notifications import delivery

    _due_today(3)
    with time_machine.travel(at(TODAY), tick=False):
        sweep.plan_and_record()
    calls = []

    def send(self, message):
        calls.append(message)
        if len(calls) == 2:
            raise SoftTimeLimitExceeded()

    monkeypatch.setattr(delivery.Sender, "send", send)
    with time_machine.travel(at(TODAY), tick=False):
        outcomes, more = delivery.deliver_batch()
    assert (dict(outcomes), more) == ({"sent": 1}, False)
    statuses = sorted(Reminder.objects.values_list("status", "claim"))
    assert statuses == [("pending", ""), ("pending", ""), ("sent", "")]
