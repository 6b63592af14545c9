"""The sweep with real components: a Celery worker process, a Redis broker and an SMTP
server on loopback (aiosmtpd), the worker's clock moved by time-machine where a test
needs another day (tests/notifications/clocked_worker.py).

Shown here: a renewed label gets the reminders of its new cycle, a moved report deadline
its new steps and not the old, a ten-day outage one message per deadline; a stalled SMTP
server holds one message for its timeout and the others go out; a worker killed between
the server's acceptance and the recording of it causes at most one message per
Message-ID; a removed expert receives nothing; the worker killed mid-sweep and the
broker down lose nothing and double nothing.

These tests need PostgreSQL (the worker process shares the test database) and a
Redis server; CI has both (`.ci/run`).
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from expect.notifications import sweep
from expect.notifications.models import Reminder
from labellisation.models import LabelApplication
from labellisation.services import grant_label
from missions.models import Mission
from tests.labellisation.factories import LabelApplicationFactory, LabelFactory
from tests.reports.factories import returned_mission

from .helpers import at

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
WAIT = 90  # seconds an external process is given to answer (never reached when all is well)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_services]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("The worker process shares the test database: PostgreSQL only.")
    if not shutil.which("redis-server"):
        pytest.skip("No redis-server on this machine.")


class Mailbox:
    """What the SMTP server accepted; it can hold the n-th message without answering until
    released (having stored it first when `accept_held`, as a server that accepted it)."""

    def __init__(self):
        self.received: list = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.hold_at: int | None = None
        self.accept_held = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self._seen = 0

    def _store(self, envelope) -> None:
        with self.changed:
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
            self.changed.notify_all()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self._seen += 1
            hold = self._seen == self.hold_at
        if hold:
            if self.accept_held:
                self._store(envelope)
            # The worker waits here for the answer, until the test has killed it (or the
            # worker's SMTP timeout has given up).
            self.holding.set()
            await server.loop.run_in_executor(None, self.release.wait, WAIT)
            return "451 Requested action aborted: local error in processing"
        self._store(envelope)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.received) >= count, timeout=WAIT), (
                f"{len(self.received)} message(s) received, {count} expected"
            )

    def recipients(self) -> Counter:
        return Counter(str(message["To"]) for message in self.received)

    def to(self, address: str) -> list:
        return [message for message in self.received if str(message["To"]) == address]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield box, controller.port
    box.release.set()
    controller.stop()


class RedisServer:
    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in self.process.stdout:  # returns when the server says it is ready
            if "Ready to accept connections" in line:
                return
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(WAIT)


@pytest.fixture
def broker():
    """A Redis server of the test's own, so that it can be stopped and started again."""
    server = RedisServer(_free_port())
    server.start()
    yield server
    server.stop()


class Worker:
    """`celery -A expect worker` in its own process group, on the test database; with
    `at`, its clock starts at that moment (time-machine, ticking)."""

    def __init__(self, broker: RedisServer, smtp_port: int, tmp: Path):
        database = settings.DATABASES["default"]
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "CELERY_BROKER_URL": f"{broker.url}/0",
            "CELERY_RESULT_BACKEND": f"{broker.url}/1",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EXPECT_VAR_DIR": str(tmp),
            "SECRET_KEY": "worker-of-the-tests",
            "DJANGO_SETTINGS_MODULE": "expect.settings",
            "EMAIL_TIMEOUT": "3",
            "REMINDER_DIGEST_HOUR": "24",  # no daily digest in the way, whatever the hour
        }
        self.env.pop("REDIS_URL", None)
        self.process: subprocess.Popen | None = None
        self.log = tmp / "worker.log"
        self.clock = tmp / "clock"

    def start(self, concurrency: int = 1, at: datetime.datetime | None = None) -> None:
        command, env, pool = [CELERY], dict(self.env), []
        if at is not None:
            command = [sys.executable, str(Path(__file__).with_name("clocked_worker.py"))]
            env["EXPECT_TEST_CLOCK_FILE"] = str(self.clock)
            self.set_clock(at)
            pool = ["--pool", "solo"]
        self.process = subprocess.Popen(
            [*command, "-A", "expect", "worker", "--loglevel", "INFO", *pool]
            + ["--concurrency", str(concurrency), "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def set_clock(self, moment: datetime.datetime) -> None:
        """The worker's clock jumps there before its next task."""
        self.clock.write_text(moment.isoformat())

    def kill(self) -> None:
        """SIGKILL, the whole process group: no clean-up, as when a machine dies."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(WAIT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(broker, mailbox, tmp_path):
    _, smtp_port = mailbox
    process = Worker(broker, smtp_port, tmp_path)
    yield process
    process.stop()
    connection.close()


def _beat(broker: RedisServer) -> Celery:
    """What beat does every hour: put a sweep on the broker (here, from the test)."""
    return Celery("beat-of-the-tests", broker=f"{broker.url}/0", backend=f"{broker.url}/1")


def _run_and_wait(broker: RedisServer, task: str = "notifications.sweep") -> dict:
    """Send a task as beat would and wait for it and for the delivery batches it enqueued."""
    app = _beat(broker)
    try:
        summary = app.send_task(task).get(timeout=WAIT)
        for batch in summary.get("batches", []):
            app.AsyncResult(batch).get(timeout=WAIT)
        return summary
    finally:
        app.close()


_sweep_and_wait = _run_and_wait


def _on(worker: Worker, broker: RedisServer, day: datetime.date) -> dict:
    """The worker runs one sweep at 6 o'clock on `day` (its clock moved there)."""
    if worker.process is None:
        worker.start(at=at(day))
    worker.set_clock(at(day))
    return _run_and_wait(broker)


def _missions_due_today(count: int) -> list[Mission]:
    """Missions whose report is due in 14 days: one reminder each, to its expert, now."""
    missions = [returned_mission() for _ in range(count)]
    Mission.objects.filter(pk__in=[m.pk for m in missions]).update(
        report_due_on=timezone.localdate() + datetime.timedelta(days=14)
    )
    return missions


def _experts(missions: list[Mission]) -> Counter:
    return Counter(m.experts.get().email for m in missions)


def test_the_worker_sends_each_due_reminder_through_smtp_once(worker, broker, mailbox):
    box, _ = mailbox
    missions = _missions_due_today(3)
    worker.start(concurrency=2)

    # Two sweeps at once on two worker processes, as when beat fires twice.
    app = _beat(broker)
    results = [app.send_task("notifications.sweep") for _ in range(2)]
    for result in results:
        for batch in result.get(timeout=WAIT)["batches"]:
            app.AsyncResult(batch).get(timeout=WAIT)
    app.close()

    assert box.recipients() == _experts(missions)
    subjects = [str(message["Subject"]).strip() for message in box.received]
    assert all(subject.startswith("[EXPE-CT]") for subject in subjects), subjects
    assert Reminder.objects.filter(status="sent").count() == 3


def _expire_leases() -> None:
    """What the passing of REMINDER_LEASE_SECONDS does (the lease is a date in the row)."""
    Reminder.objects.filter(status="sending").update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_worker_killed_after_the_server_accepted_sends_at_most_one_message_per_message_id(
    worker, broker, mailbox
):
    box, _ = mailbox
    missions = _missions_due_today(5)
    box.hold_at, box.accept_held = 3, True  # the server stored the 3rd, the worker never knew
    worker.start()
    app = _beat(broker)
    app.send_task("notifications.sweep")
    app.close()

    assert box.holding.wait(WAIT), "the sweep never reached the third message"
    worker.kill()
    box.release.set()
    assert len(box.received) == 3
    # The claim was committed before the server was spoken to: the rows say "sending".
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sending"}

    # Restarted before the lease has run out, the worker leaves the claimed rows alone.
    worker.start()
    _run_and_wait(broker, "notifications.deliver")
    assert len(box.received) == 3
    # Once it has run out, they go again, with the Message-ID of their first attempt.
    _expire_leases()
    _run_and_wait(broker, "notifications.deliver")
    box.wait_for(5)
    _run_and_wait(broker)  # and one more sweep for good measure: nothing new

    rows = {row.message_id: row for row in Reminder.objects.filter(kind="reports.report_due")}
    assert {row.status for row in rows.values()} == {"sent"}
    by_id: dict[str, set] = {}
    for message in box.received:
        by_id.setdefault(str(message["Message-ID"]), set()).add(str(message["To"]))
    assert set(by_id) == set(rows)  # every message carries its row's Message-ID
    assert all(len(addresses) == 1 for addresses in by_id.values())  # one message per ID
    assert set(box.recipients()) == set(_experts(missions))


def test_a_stalled_smtp_server_holds_one_message_for_its_timeout_not_the_others(
    worker, broker, mailbox
):
    box, _ = mailbox
    missions = _missions_due_today(4)
    box.hold_at = 1  # the server never answers the first message (EMAIL_TIMEOUT=3)
    worker.start()
    _run_and_wait(broker)
    assert len(box.received) == 3
    stalled = Reminder.objects.get(status="pending")
    assert stalled.attempts == 1
    assert Reminder.objects.filter(status="sent").count() == 3
    assert set(box.recipients()) == set(_experts(missions)) - {stalled.email}


def test_a_removed_expert_receives_nothing(worker, broker, mailbox, settings):
    settings.REMINDER_DIGEST_HOUR = 24
    box, _ = mailbox
    [mission] = _missions_due_today(1)
    removed = mission.experts.get()
    staying = returned_mission().experts.get()
    mission.experts.add(staying)
    sweep.plan_and_record()  # planned by the sweep…
    mission.experts.remove(removed)  # …the expert leaves the team before the delivery
    worker.start()
    _run_and_wait(broker, "notifications.deliver")
    assert box.to(removed.email) == []
    assert len(box.to(staying.email)) == 1
    assert Reminder.objects.get(recipient=removed).status == "skipped"


def test_a_renewed_label_gets_the_reminders_of_its_new_cycle(worker, broker, mailbox):
    box, _ = mailbox
    with time_machine.travel(at(datetime.date(2024, 9, 1)), tick=False):
        label = LabelFactory(
            granted_on=datetime.date(2024, 9, 1), valid_until=datetime.date(2027, 9, 1)
        )
    member = label.application.created_by
    _on(worker, broker, datetime.date(2027, 3, 1))
    assert len(box.to(member.email)) == 1  # M-6 of the first cycle
    with time_machine.travel(at(datetime.date(2027, 4, 1)), tick=False):
        renewal = LabelApplicationFactory(created_by=member, theme=label.theme, state="submitted")
        LabelApplication.objects.filter(pk=renewal.pk).update(state="granted")
        with transaction.atomic():
            grant_label(renewal, on=datetime.date(2027, 5, 10))

    for day in (datetime.date(2030, 3, 1), datetime.date(2030, 6, 1), datetime.date(2030, 8, 1)):
        _on(worker, broker, day)
    messages = box.to(member.email)
    assert len(messages) == 4
    assert all("1 septembre 2030" in str(m["Subject"]) for m in messages[1:])
    sent = set(Reminder.objects.filter(status="sent").values_list("step", flat=True))
    assert sent == {"m-6@2027-09-01", "m-6@2030-09-01", "m-3@2030-09-01", "m-1@2030-09-01"}


def test_a_moved_report_deadline_gets_the_new_steps_and_not_the_old(worker, broker, mailbox):
    box, _ = mailbox
    with time_machine.travel(at(datetime.date(2027, 3, 1)), tick=False):
        mission = returned_mission()  # due on 28 April 2027
    expert = mission.experts.get()
    _on(worker, broker, datetime.date(2027, 4, 14))  # D-14
    mission.return_date = datetime.date(2027, 3, 31)  # the dates are corrected: due 31 May
    mission.save(update_fields=["return_date"])
    _on(worker, broker, datetime.date(2027, 4, 25))  # the old D-3: nothing
    assert len(box.to(expert.email)) == 1
    _on(worker, broker, datetime.date(2027, 5, 17))  # the new D-14
    [_, new] = box.to(expert.email)
    assert "14 jours" in str(new["Subject"])
    assert "31 mai 2027" in new.get_body(("plain",)).get_content()


def test_a_ten_day_outage_sends_one_message_per_deadline(worker, broker, mailbox):
    box, _ = mailbox
    with time_machine.travel(at(datetime.date(2027, 3, 1)), tick=False):
        missions = [returned_mission() for _ in range(2)]  # both due on 28 April 2027
    # Nothing ran from D-14 to D-3: the first sweep after the outage is on D-2.
    _on(worker, broker, datetime.date(2027, 4, 26))
    assert box.recipients() == _experts(missions)  # one each, not D-14 and D-3
    assert all("2 jours" in str(message["Subject"]) for message in box.received)
    assert Reminder.objects.filter(status="caught_up").count() == 2


def test_a_broker_outage_loses_nothing_and_doubles_nothing(worker, broker, mailbox):
    box, _ = mailbox
    before = _missions_due_today(2)
    worker.start()
    _sweep_and_wait(broker)
    assert box.recipients() == _experts(before)

    broker.stop()
    during = _missions_due_today(2)  # due while the broker is down
    app = _beat(broker)
    with pytest.raises(Exception):  # noqa: B017 - kombu raises its own OperationalError
        app.send_task("notifications.sweep", retry=False)  # beat's hourly tick is lost
    app.close()

    broker.start()
    _sweep_and_wait(broker)  # the next tick, once the broker is back: the worker reconnected
    assert box.recipients() == _experts(before) + _experts(during)
    assert set(box.recipients().values()) == {1}
