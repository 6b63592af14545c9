"""The reminder log, the users' choices of messages and their calendar feeds.

The log is also the outbox: the sweep writes one row per (object, kind, step,
recipient) before anything is sent, the unique key forbids a second row, and a
row is sent while it is locked, so a message goes out once whatever runs twice
or dies half-way (see `expect.notifications.sweep`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderQuerySet(models.QuerySet):
    def ready(self, now) -> ReminderQuerySet:
        """Waiting to be sent as they happen, and whose next attempt has come."""
        return self.filter(status=Reminder.Status.PENDING, next_attempt_at__lte=now)

    def held_for(self, user) -> ReminderQuerySet:
        """Waiting for the user's daily digest."""
        return self.filter(status=Reminder.Status.HELD, recipient=user)


class Reminder(models.Model):
    """One message of one reminder step to one recipient: planned, sent or failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        HELD = "held", _("Held for the daily digest")
        SENT = "sent", _("Sent")
        IN_DIGEST = "in_digest", _("Sent in a digest")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    target = GenericForeignKey("content_type", "object_id")
    step = models.CharField(_("step"), max_length=60)
    due_on = models.DateField(_("step date"))
    # "user:<pk>" or "mail:<address>": the unique key holds for mailboxes without an account.
    recipient_key = models.CharField(_("recipient key"), max_length=260, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("address"))
    cc = models.JSONField(_("copy to"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("planned on"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried",
        verbose_name=_("sent in the digest"),
    )
    resent_count = models.PositiveSmallIntegerField(_("times resent"), default=0)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        permissions = [("resend_reminder", "Can send a reminder again")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "step", "recipient_key"],
                name="one_reminder_per_step_and_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="reminder_ready_idx",
            ),
            models.Index(fields=["content_type", "object_id", "kind"], name="reminder_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.step} → {self.email}"


class Preference(models.Model):
    """How a user receives one kind of optional message."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("As they happen")
        DIGEST = "digest", _("In a daily digest")
        OFF = "off", _("Do not send")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=60)
    mode = models.CharField(_("delivery"), max_length=10, choices=Mode.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind}: {self.mode}"


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a user's iCalendar feed of their own deadlines."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_calendar_token)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    def renew(self) -> None:
        """A new address; the old one stops working at once."""
        self.token = _calendar_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])
