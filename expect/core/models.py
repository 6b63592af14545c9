"""Abstract building blocks shared by the domain apps' models."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def assigned_to_field() -> models.ForeignKey:
    """The `assigned_to` field of a record: a DAECT agent, or nobody yet."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": "daect"},
        verbose_name=_("instructor"),
    )


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


class SavedFilterQuerySet(models.QuerySet):
    def of(self, user) -> SavedFilterQuerySet:
        return self.filter(owner=user)


class SavedFilter(models.Model):
    """A back-office list as an instructor filtered it, saved under a name to reopen."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_filters",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    path = models.CharField(_("list"), max_length=200)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "path", "name"],
                name="one_saved_filter_name_per_list",
                violation_error_message=_("You already saved a filter of this list by that name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path
