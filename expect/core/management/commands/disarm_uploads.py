"""Rewrite every stored upload as the upload forms do now: disarmed PDFs, re-encoded images.

Run once after deploying the disarm, so that no file stored before it is served as it was
sent. Safe to run again. A file that cannot be disarmed (damaged, encrypted) is kept as
it is and listed, for DAECT to look at.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from expect.core.uploads.scan import scanned_models
from expect.core.uploads.stored import disarm_stored


class Command(BaseCommand):
    help = "Disarm every stored upload (PDFs rewritten without active content, images re-encoded)."

    def handle(self, *args, **options) -> None:
        done = changed = 0
        for model in scanned_models():
            for document in model._base_manager.exclude(file="").iterator():
                try:
                    removed = disarm_stored(document)
                except (ValidationError, FileNotFoundError) as error:
                    reason = "; ".join(getattr(error, "messages", [str(error)]))
                    self.stdout.write(f"{model.__name__} #{document.pk}: kept as is ({reason})")
                    continue
                done += 1
                if removed:
                    changed += 1
                    self.stdout.write(
                        f"{model.__name__} #{document.pk}: removed {', '.join(sorted(removed))}"
                    )
        self.stdout.write(f"{done} files rewritten, {changed} had active content.")
