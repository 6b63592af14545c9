"""The reminder log, the users' choices of messages and their calendar feeds.

The log is also the outbox: the sweep writes one row per (object, kind, step,
recipient) before anything is sent, the unique key forbids a second row, and a
row is claimed (state "sending", a lease, a stable Message-ID) and that claim
committed before the SMTP server is spoken to, so a message goes out once
whatever runs twice or dies half-way (see `expect.notifications.delivery`).

A step's key names the deadline it belongs to ("m-6@2027-09-01": six months
before the end of validity of 1 September 2027), so a renewed label or a moved
report deadline gets steps of its own.

`OutboxMessage` is the outbox of the other e-mails (the workflows' notices,
invitations): written when the message is built, delivered by the same code.
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


def ready_q(now) -> Q:
    """To send now: pending and their next attempt has come, or left "sending" by a worker
    that died (its lease has run out)."""
    return Q(status="pending", next_attempt_at__lte=now) | Q(status="sending", lease_until__lt=now)


class DeliverableQuerySet(models.QuerySet):
    def ready(self, now) -> models.QuerySet:
        return self.filter(ready_q(now))


class ReminderQuerySet(DeliverableQuerySet):
    def held_for(self, user) -> ReminderQuerySet:
        """Waiting for the user's daily digest."""
        return self.filter(status=Reminder.Status.HELD, recipient=user)


class Reminder(models.Model):
    """One message of one reminder step to one recipient: planned, sent or failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        HELD = "held", _("Held for the daily digest")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        IN_DIGEST = "in_digest", _("Sent in a digest")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")
        SUPERSEDED = "superseded", _("Not sent: the deadline changed")
        CAUGHT_UP = "caught_up", _("Not sent: a later step was sent instead")
        EXPIRED = "expired", _("Not sent: older than the catch-up window")

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    target = GenericForeignKey("content_type", "object_id")
    step = models.CharField(_("step"), max_length=60)
    due_on = models.DateField(_("step date"))
    # The deadline the step belongs to (also written in the step's key).
    deadline = models.DateField(_("deadline"), null=True, blank=True)
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
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
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
            models.Index(
                fields=["lease_until"], condition=Q(status="sending"), name="reminder_sending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.step} → {self.email}"


class PlanningMark(models.Model):
    """When a rule was last planned, and until when that planning holds.

    A rule's due steps change only when time reaches its next step (`next_due_at`:
    tomorrow for the steps that fall on dates, the next answer awaited…) or when one
    of the records it reads changes: the mark keeps the high-water marks of those
    tables (their largest id and the largest id of their history, which every save
    writes). A sweep that finds both unchanged skips the rule: an idle sweep reads
    this table and one index entry per watched table, whatever the volume.
    """

    kind = models.CharField(_("kind"), max_length=60, unique=True)
    planned_at = models.DateTimeField(_("planned at"))
    next_due_at = models.DateTimeField(_("next step at"), null=True, blank=True)
    watermark = models.CharField(_("watermark"), max_length=600, blank=True)

    class Meta:
        verbose_name = _("planning mark")
        verbose_name_plural = _("planning marks")

    def __str__(self) -> str:
        return f"{self.kind}: {self.planned_at:%Y-%m-%d %H:%M}"

    def holds(self, now, watermark: str) -> bool:
        """Nothing new can be due: the records are unchanged and no step has come since."""
        on_time = self.planned_at <= now and (self.next_due_at is None or now < self.next_due_at)
        return on_time and self.watermark == watermark


class OutboxMessage(models.Model):
    """One e-mail of the workflows (a notice, an invitation), rendered and waiting to go.

    Written when the message is built (inside the transaction when there is one),
    sent on commit, and by the delivery task when that first attempt failed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("message"), max_length=100)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("copy to"), default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(blank=True)
    # [{"filename", "content" (base64), "mimetype"}]
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written on"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbox_ready_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {', '.join(self.to)}"


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
