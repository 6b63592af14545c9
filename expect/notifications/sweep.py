"""The reminders sweep: plan the due steps, record them in the log, send them once.

Exactly once, under faults:
- planning writes one log row per (kind, object, step, recipient); the unique key
  makes a second sweep's rows no-ops (`ignore_conflicts`), so two sweeps at once
  plan each message once;
- a row is sent inside the transaction that holds its row lock
  (`SELECT … FOR UPDATE SKIP LOCKED`) and marked sent before that transaction
  commits: a concurrent sender skips it, and a worker killed before the commit
  leaves it pending, to be sent by the next run;
- steps are due from their date on, not only on it: whatever was missed while
  the system (or the broker) was down is sent by the next sweep, within
  `REMINDER_CATCH_UP_DAYS`;
- a failing send is tried again with a growing delay, then marked failed, shown
  in the admin, and can be resent from there.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from . import emails
from .models import Preference, Reminder
from .rules import Due, Rule, all_rules, get_rule

logger = logging.getLogger(__name__)

Status = Reminder.Status
Mode = Preference.Mode
_STATUS_FOR_MODE = {
    Mode.IMMEDIATE: Status.PENDING,
    Mode.DIGEST: Status.HELD,
    Mode.OFF: Status.SKIPPED,
}


class NothingToSend(Exception):
    """Raised by a rule's `context` when the message would be empty (e.g. a digest)."""


def plan(now: datetime | None = None) -> list[tuple[Rule, Due]]:
    """Every step due now, whether or not already recorded in the log."""
    now = now or timezone.now()
    return [(rule, due) for rule in all_rules() for due in rule.due(now)]


def prepare(now: datetime | None = None) -> None:
    """The state changes that deadlines bring (a label past its end becomes expired)."""
    now = now or timezone.now()
    for rule in all_rules():
        rule.prepare(now)


def record(dues: list[tuple[Rule, Due]], now: datetime | None = None) -> int:
    """Write the log rows of the due steps; rows already there are left alone.

    Returns the number of rows offered (new or not). Each recipient's choice of
    delivery (as they happen, digest, off) decides the row's status; the legal
    deadlines (`Rule.mandatory`) are always sent as they happen.
    """
    now = now or timezone.now()
    user_ids = {user.pk for _, due in dues for user in due.users}
    kinds = {rule.kind for rule, _ in dues}
    chosen = {
        (user_id, kind): mode
        for user_id, kind, mode in Preference.objects.filter(
            user_id__in=user_ids, kind__in=kinds
        ).values_list("user_id", "kind", "mode")
    }
    rows = []
    for rule, due in dues:
        content_type = ContentType.objects.get_for_model(due.obj)
        common = {
            "kind": rule.kind,
            "content_type": content_type,
            "object_id": due.obj.pk,
            "step": due.step,
            "due_on": due.due_on,
            "created_at": now,
            "next_attempt_at": now,
        }
        # The copy (DAECT for overdue reports) goes with the first message only.
        copy = list(due.cc)
        for user in due.users:
            if not (user.is_active and user.email):
                continue
            mode = rule.mode_for(chosen.get((user.pk, rule.kind)))
            status = _STATUS_FOR_MODE[mode]
            rows.append(
                Reminder(
                    **common,
                    recipient_key=f"user:{user.pk}",
                    recipient=user,
                    email=user.email,
                    cc=copy,
                    status=status,
                    last_error="Turned off by the recipient" if status == Status.SKIPPED else "",
                )
            )
            if status != Status.SKIPPED:
                copy = []
        for address in due.emails:
            rows.append(
                Reminder(**common, recipient_key=f"mail:{address.lower()}", email=address, cc=copy)
            )
            copy = []
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def deliver_pending(now: datetime | None = None) -> Counter:
    """Send every row that is ready, one locked row at a time; returns the outcomes."""
    now = now or timezone.now()
    outcomes: Counter = Counter()
    connection = get_connection()
    last_pk = 0
    try:
        while True:
            with transaction.atomic():
                reminder = (
                    Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                    .ready(now)
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .first()
                )
                if reminder is None:
                    break
                last_pk = reminder.pk
                outcomes[str(deliver(reminder, connection=connection, now=now))] += 1
    finally:
        connection.close()
    return outcomes


def deliver(reminder: Reminder, *, connection=None, now: datetime | None = None) -> str:
    """Send one row (the caller holds its lock) and record the outcome; returns the status."""
    now = now or timezone.now()
    rule = get_rule(reminder.kind)
    target = reminder.target
    archived = getattr(target, "archived_at", None) is not None
    if rule is None or target is None or archived or not rule.is_current(target, reminder):
        return _finish(reminder, Status.SKIPPED, "No longer due when it was to be sent")
    try:
        context = rule.context(target, reminder)
        recipient = reminder.recipient
        message = emails.build(
            f"reminders/{rule.template}",
            [reminder.email],
            {"user": recipient, "reminder": reminder, "object": target, **context},
            language=recipient.preferred_language if recipient else settings.LANGUAGE_CODE,
            cc=reminder.cc,
        )
        message.connection = connection
        message.send()
    except NothingToSend:
        return _finish(reminder, Status.SKIPPED, "Nothing to report")
    except Exception as exc:  # the SMTP server, the network or a template: tried again
        if connection is not None:
            connection.close()
        return _failure(reminder, exc, now)
    reminder.subject = message.subject[:300]
    reminder.sent_at = now
    reminder.last_error = ""
    _finish(reminder, Status.SENT)
    rule.after_send(target, reminder, context)
    return Status.SENT


def _finish(reminder: Reminder, status: str, note: str | None = None) -> str:
    reminder.status = status
    if note is not None:
        reminder.last_error = note
    reminder.save(update_fields=["status", "last_error", "subject", "sent_at"])
    return status


def _failure(reminder: Reminder, exc: Exception, now: datetime) -> str:
    reminder.attempts += 1
    reminder.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        reminder.status = Status.FAILED
        logger.error("Reminder %s failed for good: %s", reminder.pk, reminder.last_error)
    else:
        delay = settings.REMINDER_RETRY_DELAY * 3 ** (reminder.attempts - 1)
        reminder.next_attempt_at = now + timedelta(seconds=delay)
        logger.warning(
            "Reminder %s not sent (attempt %s), next try at %s: %s",
            reminder.pk,
            reminder.attempts,
            reminder.next_attempt_at,
            reminder.last_error,
        )
    reminder.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return reminder.status


@transaction.atomic
def resend(reminder: Reminder, *, now: datetime | None = None) -> str:
    """DAECT sends a message again from the admin (a failed one, or a lost one)."""
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.status == Status.SENT:
        reminder.resent_count += 1
        reminder.save(update_fields=["resent_count"])
    # A failed message gets its attempts back: if it fails again, the retries take over.
    reminder.attempts = 0
    reminder.status = Status.PENDING
    return deliver(reminder, now=now)


def run(now: datetime | None = None) -> dict:
    """One sweep: state changes, planning, recording and sending. Safe to run twice at once."""
    now = now or timezone.now()
    prepare(now)
    dues = plan(now)
    offered = record(dues, now)
    outcomes = deliver_pending(now)
    summary = {"due_steps": len(dues), "rows_offered": offered, **outcomes}
    logger.info("Reminders sweep: %s", summary)
    return summary
