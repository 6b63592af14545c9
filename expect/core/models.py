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


class UploadedDocument(models.Model):
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
