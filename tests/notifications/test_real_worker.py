"""The sweep with real components: a Celery worker process, a Redis broker and an SMTP
server on loopback (aiosmtpd). The worker is killed half-way through a sweep and the
broker goes down: after recovery, every due reminder has been received once and only once.

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
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from expect.notifications.models import Reminder
from missions.models import Mission
from tests.reports.factories import returned_mission

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
    """What the SMTP server accepted; it can hold the n-th message until released."""

    def __init__(self):
        self.received: list = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self._seen = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self._seen += 1
            hold = self._seen == self.hold_at
        if hold:
            # The worker is stuck here, mid-sweep, until the test has killed it.
            self.holding.set()
            await server.loop.run_in_executor(None, self.release.wait, WAIT)
            return "451 Requested action aborted: local error in processing"
        with self.changed:
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
            self.changed.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.received) >= count, timeout=WAIT), (
                f"{len(self.received)} message(s) received, {count} expected"
            )

    def recipients(self) -> Counter:
        return Counter(str(message["To"]) for message in self.received)


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
    """`celery -A expect worker` in its own process group, on the test database."""

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
        }
        self.env.pop("REDIS_URL", None)
        self.process: subprocess.Popen | None = None
        self.log = tmp / "worker.log"

    def start(self, concurrency: int = 1) -> None:
        self.process = subprocess.Popen(
            [CELERY, "-A", "expect", "worker", "--loglevel", "INFO"]
            + ["--concurrency", str(concurrency), "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

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


def _sweep_and_wait(broker: RedisServer) -> dict:
    app = _beat(broker)
    try:
        return app.send_task("notifications.sweep").get(timeout=WAIT)
    finally:
        app.close()


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
        result.get(timeout=WAIT)
    app.close()

    assert box.recipients() == _experts(missions)
    subjects = [str(message["Subject"]).strip() for message in box.received]
    assert all(subject.startswith("[EXPE-CT]") for subject in subjects), subjects
    assert Reminder.objects.filter(status="sent").count() == 3


def test_a_worker_killed_mid_sweep_loses_nothing_and_doubles_nothing(worker, broker, mailbox):
    box, _ = mailbox
    missions = _missions_due_today(5)
    box.hold_at = 3  # the third message is being sent when the worker dies
    worker.start()
    app = _beat(broker)
    app.send_task("notifications.sweep")
    app.close()

    assert box.holding.wait(WAIT), "the sweep never reached the third message"
    worker.kill()
    box.release.set()
    assert len(box.received) == 2
    assert Reminder.objects.filter(status="sent").count() == 2  # the third was rolled back

    # Restarted, the next sweep (beat's next hour) sends the three others, and only them.
    worker.start()
    _sweep_and_wait(broker)
    box.wait_for(5)
    _sweep_and_wait(broker)  # and one more for good measure: nothing new
    assert box.recipients() == _experts(missions)
    assert set(Counter(box.recipients()).values()) == {1}
    assert Reminder.objects.filter(status="sent").count() == 5


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
