"""The embedded default (`make run`: SQLite, no server) never double-sends: two sweeps
run at once, in two processes, on one SQLite file, send each message once.

SQLite has no row locks: each transaction takes the write lock when it starts
(`transaction_mode: IMMEDIATE` in settings) and rows are claimed by one conditional
UPDATE, so the second sweep finds them taken. `make run` also runs the worker as a
single process, one task at a time (`--pool solo`).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISSIONS = 10

SETUP = f"""
import datetime
from django.conf import settings
from django.utils import timezone
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from missions.models import Mission
from tests.reports.factories import returned_mission
missions = [returned_mission() for _ in range({MISSIONS})]
Mission.objects.update(report_due_on=timezone.localdate() + datetime.timedelta(days=14))
"""
COUNT = """
from expect.notifications.models import Reminder
reports = Reminder.objects.filter(kind="reports.report_due")
print(reports.filter(status="sent").count(), reports.count())
"""


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    var = tmp_path_factory.mktemp("sqlite-site")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "EMAIL_URL", "CELERY_BROKER_URL"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{var / 'expect.sqlite3'}",
        "EXPECT_VAR_DIR": str(var),
        "SECRET_KEY": "sqlite-default-of-the-tests",
        "DJANGO_SETTINGS_MODULE": "expect.settings",
        "REMINDER_BATCH_SIZE": "2",  # many small batches: the two sweeps interleave
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run(
        [*manage, "shell", "-v0", "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=120
    )
    return manage, env, var


def test_two_sweeps_at_once_on_sqlite_send_each_message_once(sqlite_site):
    manage, env, var = sqlite_site
    sweeps = [
        subprocess.Popen(
            [*manage, "reminders"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in sweeps]
    for process, (_, err) in zip(sweeps, outputs, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
        assert b"database is locked" not in err

    mail = "".join(path.read_text() for path in (var / "mail").glob("*.log"))
    message_ids = re.findall(r"^Message-ID: (.+)$", mail, flags=re.MULTILINE)
    recipients = re.findall(r"^To: (.+)$", mail, flags=re.MULTILINE)
    assert len(message_ids) == len(set(message_ids)) == MISSIONS
    assert len(set(recipients)) == MISSIONS
    counted = subprocess.run(
        [*manage, "shell", "-v0", "-c", COUNT], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert counted.stdout.split() == [str(MISSIONS).encode(), str(MISSIONS).encode()]
