"""Benchmark of the reminders sweep: planning, an idle sweep and a batch of sending.

`measure(candidates)` fills the current database (PostgreSQL: the rows are cloned
by `INSERT … SELECT` in chunks) with `candidates` missions whose report is awaited,
their due dates spread over two years from four weeks ago, each with one expert,
then times, on the real clock:

- `cold_plan_s`: the first planning of that data (every step already due is planned:
  the weekly overdue reminders, the steps the outage skipped, logged caught up);
- `plan_s`: the next day's planning (the day's first sweep: every candidate is
  examined again, the newly due steps are written);
- `idle_s`: a later sweep of the same day (nothing new is due: it reads the marks and
  the watermarks, and stops);
- `send_s`, `queries_per_message`: one batch of `REMINDER_BATCH_SIZE` messages,
  rendered and handed to a dummy e-mail backend;
- `peak_rss_mb`: the process's peak resident memory during the sweeps and the batch.

Targets (issue #16): plan ≤ 2 s and idle ≤ 0.1 s at a million candidates, peak RSS
≤ 250 MB, a small constant number of queries per batch.

    DATABASE_URL=postgres://… python -m bench.sweep   # 10k, then 1M candidates

Each run of `__main__` happens in a transaction that is rolled back: the database is
left as it was, but for the dead rows a rolled-back million leaves behind (VACUUM them,
or use a fresh database, before measuring again: a table full of dead rows makes every
scan of it slow).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

if __name__ == "__main__":  # run as a script: set Django up first
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expect.settings")
    import django

    django.setup()

from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

CHUNK = 50_000
EXPERTS = 200
SPREAD_DAYS = 730  # due dates from four weeks ago over two years
OVERDUE_DAYS = 28


def _clone(model: type[models.Model], template_pk: int, count: int, sets: dict | None = None):
    """`count` copies of one row in one statement; returns their ids. `sets`: column →
    SQL expression over `x.n` (1…count) and parameters."""
    sets = sets or {}
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in sets:
            sql, more = sets[field.column]
            values.append(sql)
            params += more
        elif field.unique:
            values.append("NULL")  # a reference, written later by the real code
        else:
            values.append(f"t.{connection.ops.quote_name(field.column)}")
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
        f" FROM {table} t, generate_series(1, %s) AS x(n) WHERE t.id = %s RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, count, template_pk])
        return [row[0] for row in cursor.fetchall()]


def create_candidates(count: int) -> None:
    """`count` returned missions awaiting their report, one expert each (of `EXPERTS`)."""
    from expect.accounts.models import User
    from missions.models import Mission, MissionProposal, MissionRequest
    from tests.accounts.factories import UserFactory
    from tests.reports.factories import returned_mission

    template = returned_mission()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        users = UserFactory.create_batch(EXPERTS, role=User.Role.EXPERT)
    experts = [user.pk for user in users]
    first_day = timezone.localdate() - timedelta(days=OVERDUE_DAYS)
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        requests = _clone(MissionRequest, template.request_id, size)
        proposals = _clone(
            MissionProposal,
            template.proposal_id,
            size,
            {"request_id": ("(%s::bigint[])[x.n]", [requests])},
        )
        offset = done
        missions = _clone(
            Mission,
            template.pk,
            size,
            {
                "request_id": ("(%s::bigint[])[x.n]", [requests]),
                "proposal_id": ("(%s::bigint[])[x.n]", [proposals]),
                "report_due_on": (
                    "CAST(%s AS date) + CAST(((x.n + %s) * %s) / %s AS integer)",
                    [first_day, offset, SPREAD_DAYS, count],
                ),
            },
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO missions_mission_experts (mission_id, user_id)"
                " SELECT m, (%s::bigint[])[1 + m %% %s] FROM unnest(%s::bigint[]) AS m",
                [experts, EXPERTS, missions],
            )
        done += size
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _peak_rss_reset() -> None:
    # Linux: "5" resets the peak resident set size (VmHWM) of the process.
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _timed(function, *args, **kwargs) -> tuple[float, int, object]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = function(*args, **kwargs)
        elapsed = time.perf_counter() - start
    return elapsed, len(queries), result


def measure(candidates: int) -> dict:
    """Create `candidates` rows, then time the sweeps and one batch (see the module)."""
    from django.conf import settings

    from expect.notifications import delivery, sweep
    from expect.notifications.models import Reminder

    start = time.perf_counter()
    create_candidates(candidates)
    created_s = time.perf_counter() - start
    now = timezone.now()
    before = Reminder.objects.count()
    _peak_rss_reset()
    cold_s, cold_queries, _ = _timed(sweep.plan_and_record, now)
    cold_rows = Reminder.objects.count() - before
    with connection.cursor() as cursor:  # what autovacuum does after such an insert
        cursor.execute("ANALYZE notifications_reminder")
    tomorrow = now + timedelta(days=1)
    before = Reminder.objects.count()
    plan_s, plan_queries, _ = _timed(sweep.plan_and_record, tomorrow)
    plan_rows = Reminder.objects.count() - before
    # The first sweep after a planning plans the digest again (the rows just written
    # moved its watermark); the hourly sweeps after it are the idle ones.
    sweep.plan_and_record(tomorrow + timedelta(minutes=30))
    idle_s, idle_queries, _ = _timed(sweep.plan_and_record, tomorrow + timedelta(hours=1))
    size = settings.REMINDER_BATCH_SIZE
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        send_s, send_queries, (outcomes, _) = _timed(delivery.deliver_batch, tomorrow, size)
    sent = sum(outcomes.values())
    return {
        "candidates": candidates,
        "create_s": round(created_s, 1),
        "cold_plan_s": round(cold_s, 3),
        "cold_plan_rows": cold_rows,
        "cold_plan_queries": cold_queries,
        "plan_s": round(plan_s, 3),
        "plan_rows": plan_rows,
        "plan_queries": plan_queries,
        "idle_s": round(idle_s, 4),
        "idle_queries": idle_queries,
        "send_s": round(send_s, 3),
        "sent": sent,
        "send_queries": send_queries,
        "queries_per_message": round(send_queries / sent, 2) if sent else None,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


class _RolledBack(Exception):
    pass


def _measure_and_roll_back(candidates: int) -> dict:
    result: dict = {}
    try:
        with transaction.atomic():
            result = measure(candidates)
            raise _RolledBack
    except _RolledBack:
        pass
    return result


PLAN_TARGET_S = 2.0  # planning a million candidate rows (issue #16)
IDLE_TARGET_S = 0.1  # a sweep with nothing due


def measure_for_bench(volumes: tuple[int, ...] = (10_000, 1_000_000)) -> dict:
    """What `make bench` shows: each volume's figures, flat, and the two targets' verdicts."""
    flat: dict = {}
    for volume in volumes:
        for key, value in _measure_and_roll_back(volume).items():
            flat[f"{volume}: {key}"] = value
    largest = volumes[-1]
    plan, idle = flat[f"{largest}: plan_s"], flat[f"{largest}: idle_s"]
    flat["targets"] = [
        {
            "target": f"planning {largest:,} candidate rows in ≤ {PLAN_TARGET_S:g} s",
            "met": plan <= PLAN_TARGET_S,
            "why": f"{plan:.2f} s for the daily plan ({flat[f'{largest}: plan_queries']} "
            "queries; the backlog's first plan of a fresh database: "
            f"{flat[f'{largest}: cold_plan_s']:.1f} s)",
        },
        {
            "target": f"an idle sweep in ≤ {IDLE_TARGET_S * 1000:g} ms",
            "met": idle <= IDLE_TARGET_S,
            "why": f"{idle * 1000:.0f} ms, {flat[f'{largest}: idle_queries']} queries",
        },
    ]
    return flat


if __name__ == "__main__":
    for volume in (10_000, 1_000_000):
        figures = _measure_and_roll_back(volume)
        print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)
