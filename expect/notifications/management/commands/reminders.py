"""`manage.py reminders --dry-run`: what the sweep would send now, for DAECT to check.

Without --dry-run, runs one sweep at once (what Celery beat does every hour).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from expect.notifications import sweep
from expect.notifications.models import Preference, Reminder


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
        dues = sweep.plan(now)
        chosen = {
            (user_id, kind): mode
            for user_id, kind, mode in Preference.objects.values_list("user_id", "kind", "mode")
        }
        lines = 0
        for rule, due in dues:
            for user in due.users:
                mode = rule.mode_for(chosen.get((user.pk, rule.kind)))
                self.stdout.write(
                    f"{due.due_on:%Y-%m-%d}  {rule.kind:<34} {due.step:<22} "
                    f"{due.obj!s:.60}  → {user.email} ({mode})"
                    + (f" cc {', '.join(due.cc)}" if due.cc else "")
                )
                lines += 1
            for address in due.emails:
                self.stdout.write(
                    f"{due.due_on:%Y-%m-%d}  {rule.kind:<34} {due.step:<22} {due.obj!s:.60}"
                    f"  → {address}"
                )
                lines += 1
        ready = Reminder.objects.ready(now).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{lines} new message(s) due now; {ready} message(s) already in the log "
                f"waiting to be sent or tried again."
            )
        )
