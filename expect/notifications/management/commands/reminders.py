"""`manage.py reminders --dry-run`: what the sweep would send now, for DAECT to check.

Without --dry-run, runs one sweep at once (what Celery beat does every hour).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from expect.notifications import sweep
from expect.notifications.models import Reminder


class Command(BaseCommand):
    help = "List the reminders due now (--dry-run), or run the reminders sweep."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        now = timezone.now()
        if not dry_run:
            summary = sweep.run(now)
            self.stdout.write(", ".join(f"{key}: {value}" for key, value in summary.items()))
            return
        rows = [
            row
            for row in sweep.plan(now)
            if row.status in (Reminder.Status.PENDING, Reminder.Status.HELD)
        ]
        for row in rows:
            mode = "digest" if row.status == Reminder.Status.HELD else "immediate"
            self.stdout.write(
                f"{row.due_on:%Y-%m-%d}  {row.kind:<34} {row.step:<22} "
                f"#{row.object_id:<8} → {row.email} ({mode})"
                + (f" cc {', '.join(row.cc)}" if row.cc else "")
            )
        lines = len(rows)
        ready = Reminder.objects.ready(now).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{lines} new message(s) due now; {ready} message(s) already in the log "
                f"waiting to be sent or tried again."
            )
        )
