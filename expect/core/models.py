"""Abstract building blocks shared by the domain apps' models."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def random_upload_path(instance: UploadedDocument, filename: str) -> str:
    # Random names: the original name is kept in the database, never trusted on disk.
    return f"{instance.UPLOAD_DIR}/{secrets.token_urlsafe(16)}"


class ScanState(models.TextChoices):
    CLEAN = "clean", _("Scanned, no virus found")
    PENDING = "pending", _("Awaiting analysis")
    INFECTED = "infected", _("Infected, removed")
    # Scanning is disabled (a local run without ClamAV), or the file predates it.
    UNSCANNED = "unscanned", _("Not scanned")


class ScannedFile(models.Model):
    """A model whose `file` is scanned for viruses before anyone may download it.

    An upload is scanned as it arrives; when the scanner cannot answer, the file is kept
    but held (« en attente d'analyse ») until the task expect.core.tasks.scan_held_uploads
    scans it. "Not scanned" files are usable only while scanning is disabled
    (settings.CLAMAV_URL empty): once a scanner is configured, they are held too.
    """

    scan_state = models.CharField(
        _("antivirus"), max_length=10, choices=ScanState.choices, default=ScanState.UNSCANNED
    )
    scanned_at = models.DateTimeField(_("scanned on"), null=True, blank=True)
    # The signature found, or what the disarm removed from the file, for DAECT to read.
    scan_detail = models.CharField(_("analysis details"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def is_held(self) -> bool:
        """Kept but not usable yet: waiting for the antivirus."""
        if self.scan_state == ScanState.UNSCANNED:
            return bool(settings.CLAMAV_URL)
        return self.scan_state == ScanState.PENDING

    @property
    def is_downloadable(self) -> bool:
        return self.scan_state in (ScanState.CLEAN, ScanState.UNSCANNED) and not self.is_held

    @property
    def scan_label(self) -> str:
        return ScanState.PENDING.label if self.is_held else self.get_scan_state_display()


class UploadedDocument(ScannedFile):
    """A file someone uploaded, stored under a random name and served only through a view
    that checks permissions. Subclasses set UPLOAD_DIR and link it to their object."""

    UPLOAD_DIR = "documents"

    file = models.FileField(_("file"), upload_to=random_upload_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded on"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
