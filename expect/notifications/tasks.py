"""Celery tasks of the reminders and the outbox; beat runs them (settings.CELERY_BEAT_SCHEDULE).

Every task is short and bounded (soft and hard time limits): the sweep plans and
records, then enqueues the delivery as separate batch tasks of
`REMINDER_BATCH_SIZE` rows each. All are idempotent: if the broker delivers one
twice, or two run at once, the log's unique key and the claims keep every message
single (see `expect.notifications.delivery`).
"""

from __future__ import annotations

import math

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import delivery
from . import sweep as reminders


def _enqueue_batches() -> list[str]:
    """One batch task per `REMINDER_BATCH_SIZE` rows ready now; returns their task ids."""
    ready = delivery.ready_count(timezone.now())
    batches = math.ceil(ready / settings.REMINDER_BATCH_SIZE)
    return [str(getattr(deliver_batch.delay(), "id", "")) for _ in range(batches)]


@shared_task(
    name="notifications.sweep",
    soft_time_limit=settings.REMINDER_SWEEP_SOFT_TIME_LIMIT,
    time_limit=settings.REMINDER_SWEEP_SOFT_TIME_LIMIT + 30,
)
def sweep() -> dict:
    """Plan every due step and record it in the log, then enqueue its delivery."""
    summary = reminders.plan_and_record()
    summary["batches"] = _enqueue_batches()  # their ids: whoever waits can wait for them
    return summary


@shared_task(
    name="notifications.deliver_batch",
    soft_time_limit=settings.REMINDER_BATCH_SOFT_TIME_LIMIT,
    time_limit=settings.REMINDER_BATCH_SOFT_TIME_LIMIT + 30,
)
def deliver_batch() -> dict:
    """Claim and send one batch; a full one enqueues the next, so a backlog drains."""
    outcomes, more = delivery.deliver_batch()
    if more:
        deliver_batch.delay()
    return dict(outcomes)


@shared_task(
    name="notifications.deliver",
    soft_time_limit=settings.REMINDER_BATCH_SOFT_TIME_LIMIT,
    time_limit=settings.REMINDER_BATCH_SOFT_TIME_LIMIT + 30,
)
def deliver() -> dict:
    """What is ready: retries whose delay has passed, rows whose lease ran out, the outbox."""
    return {"batches": _enqueue_batches()}
