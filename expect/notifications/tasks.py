"""Celery tasks of the reminders; beat runs them (settings.CELERY_BEAT_SCHEDULE).

Both are idempotent: if the broker delivers one twice, or two run at once, the
reminder log's unique key and row locks keep every message single.
"""

from celery import shared_task

from . import sweep as reminders


@shared_task(name="notifications.sweep")
def sweep() -> dict:
    """Plan every due step, record it in the log and send it."""
    return reminders.run()


@shared_task(name="notifications.deliver")
def deliver() -> dict:
    """Send what is ready: new rows, and failed ones whose back-off delay has passed."""
    return dict(reminders.deliver_pending())
