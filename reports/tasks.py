"""The tasks of the reports app (its reminder rules are in reports/reminders.py)."""

import os

from celery import shared_task
from django.conf import settings

from . import booklets


def _yield_the_cpu() -> None:
    """A booklet takes seconds of CPU: the web requests of the same machine go first.

    The worker process keeps the lower priority for the tasks after it, all of which
    can wait a few milliseconds more (e-mails, sweeps)."""
    current = os.nice(0)
    if current < settings.BOOKLET_TASK_NICENESS:
        os.nice(settings.BOOKLET_TASK_NICENESS - current)


@shared_task(name="reports.build_booklet")
def build_booklet(booklet_id: int) -> int | None:
    """Render a capitalisation booklet into storage (queued once by its first request)."""
    _yield_the_cpu()
    booklet = booklets.build(booklet_id)
    return booklet.report_count if booklet else None
