"""Archiving instead of deleting, and the full history of the programme's records.

A dossier, a label, a need, a mission or a report is part of the programme's record:
nobody deletes it. DAECT archives it instead (it leaves the portal's lists and stays
in the admin), and can restore it. Every change of these objects, archiving included,
is kept by django-simple-history with its author and time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords


class ArchivableQuerySet(models.QuerySet):
    def unarchived(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Archivable(models.Model):
    """An object that is archived, never deleted."""

    archived_at = models.DateTimeField(gettext_lazy("archived on"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("archived by"),
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class AuditTrail(HistoricalRecords):
    """Simple-history that ignores saves touching only excluded fields.

    Signing in saves `last_login` alone: that is not a change of the account worth a
    historical row each time.
    """

    def post_save(self, instance, created, update_fields=None, **kwargs):
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, update_fields=update_fields, **kwargs)


def _lock(obj: Archivable) -> Archivable:
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


@transaction.atomic
def archive(obj: Archivable, *, by) -> Archivable:
    """Take the object out of the portal's lists; its history says who did it."""
    if not by.is_daect:
        raise PermissionDenied(_("Only DAECT archives records."))
    obj = _lock(obj)
    if obj.is_archived:
        raise ValidationError(_("This record is already archived."), code="archived")
    obj.archived_at, obj.archived_by = timezone.now(), by
    obj._change_reason = "archived"
    obj.save(update_fields=["archived_at", "archived_by"])
    return obj


@transaction.atomic
def restore(obj: Archivable, *, by) -> Archivable:
    if not by.is_daect:
        raise PermissionDenied(_("Only DAECT restores records."))
    obj = _lock(obj)
    if not obj.is_archived:
        raise ValidationError(_("This record is not archived."), code="not_archived")
    obj.archived_at, obj.archived_by = None, None
    obj._change_reason = "restored"
    obj.save(update_fields=["archived_at", "archived_by"])
    return obj


@transaction.atomic
def discard_draft(obj: Archivable, *, by, allowed: Callable[[Any, Any], bool]) -> Archivable:
    """The owner's "delete" of a draft: archived, out of their lists, kept for the record.

    `allowed(by, obj)` is the owner rule of the object's app (who may edit the draft).
    """
    obj = _lock(obj)
    if not allowed(by, obj):
        raise PermissionDenied(_("You are not allowed to discard this draft."))
    if obj.state != "draft" or obj.is_archived:
        raise ValidationError(_("Only a draft can be discarded."), code="not_draft")
    obj.archived_at, obj.archived_by = timezone.now(), by
    obj._change_reason = "discarded"
    obj.save(update_fields=["archived_at", "archived_by"])
    return obj


def record_bulk_change(objs: Iterable[models.Model], reason: str = "") -> None:
    """Write one historical row per object changed by a set-based UPDATE, in one query.

    `QuerySet.update()` sends no signal, so simple-history sees nothing: the caller
    sets the new values on the instances and calls this after the update.
    """
    objs = list(objs)
    if objs:
        type(objs[0]).history.bulk_history_create(
            objs, update=True, default_change_reason=reason, default_date=timezone.now()
        )
