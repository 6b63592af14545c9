"""The tasks of the reports app (its reminder rules are in reports/reminders.py)."""

from celery import shared_task

from . import booklets


@shared_task(name="reports.build_booklet")
def build_booklet(booklet_id: int) -> int | None:
    """Render a capitalisation booklet into storage (queued once by its first request)."""
    booklet = booklets.build(booklet_id)
    return booklet.report_count if booklet else None
