"""Periodic tasks of the shared building blocks (the schedule is in settings)."""

from celery import shared_task

from expect.core.uploads.scan import scan_held


@shared_task(name="core.scan_held_uploads")
def scan_held_uploads() -> int:
    """Scan the uploads held while the antivirus did not answer."""
    return scan_held()
