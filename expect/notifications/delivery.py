"""Delivery of the reminder log and of the outbox: exactly once, as far as SMTP allows.

1. Claim: one short transaction marks up to `REMINDER_BATCH_SIZE` ready rows
   "sending", with a lease (`REMINDER_LEASE_SECONDS`) and a claim token, and commits
   before anything is sent. PostgreSQL picks the rows with `FOR UPDATE SKIP LOCKED`,
   so concurrent workers take different rows; elsewhere (SQLite) one conditional
   `UPDATE … WHERE status = 'pending'` statement claims them, so a second sweep finds
   them taken. A claimed row is never claimed again before its lease runs out.
2. Check again, for the whole batch at once (a constant number of queries): the
   object (still due, same deadline: otherwise "superseded"), the recipient (still
   active, still on the team or a member, still wanting this kind).
3. Send over one SMTP connection for the batch, each message with a stable
   Message-ID derived from the row (`<reminder.42.0@host>`): if the worker dies after
   the server accepted a message and before the outcome is recorded, the row is sent
   again once its lease has run out, with the same Message-ID, which mail clients
   use to show it once.
4. Record the outcomes of the batch in one `bulk_update`. A permanent refusal (5xx,
   an address that cannot be encoded) is "failed" at once; a temporary one (4xx, a
   timeout, a closed connection) is tried again with a growing delay.

Every SMTP exchange is bounded by `EMAIL_TIMEOUT`; two connection failures in a row
end the batch (the server is down: the rows go back to the queue untouched).
"""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Case, CharField, F, Subquery, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from . import emails
from .models import OutboxMessage, Preference, Reminder, ready_q

logger = logging.getLogger(__name__)

Status = Reminder.Status
Mode = Preference.Mode
_UPDATED = ["status", "attempts", "next_attempt_at", "lease_until", "claim", "last_error"]
_REMINDER_FIELDS = [*_UPDATED, "subject", "sent_at", "message_id"]
_OUTBOX_FIELDS = [*_UPDATED, "sent_at", "message_id"]


class NothingToSend(Exception):
    """Raised by a rule's `context` when the message would be empty (e.g. a digest)."""


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def reminder_message_id(reminder: Reminder) -> str:
    """The same for every attempt of a row; a deliberate resend from the admin gets a new one."""
    return f"<reminder.{reminder.pk}.{reminder.resent_count}@{site_domain()}>"


def outbox_message_id(row: OutboxMessage) -> str:
    return f"<outbox.{row.pk}@{site_domain()}>"


# Claiming ------------------------------------------------------------------------------


def _message_id_sql(model: type[models.Model]):
    """The row's Message-ID, written with the claim (the same as `*_message_id`)."""
    parts = [Value("<reminder." if model is Reminder else "<outbox."), Cast("pk", CharField())]
    if model is Reminder:
        parts += [Value("."), Cast("resent_count", CharField())]
    parts.append(Value(f"@{site_domain()}>"))
    fresh = Concat(*parts, output_field=CharField())
    return Case(When(message_id="", then=fresh), default=F("message_id"))


def claim(model: type[models.Model], now: datetime, limit: int, **lookups) -> list:
    """Mark up to `limit` ready rows "sending" under a lease with their Message-ID, commit,
    and return them."""
    token = uuid.uuid4().hex
    lease = now + timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    ready = model.objects.filter(ready_q(now), **lookups).order_by("pk")
    changes = {
        "status": "sending",
        "lease_until": lease,
        "claim": token,
        "message_id": _message_id_sql(model),
    }
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(
                ready.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
            )
            if not ids:
                return []
            model.objects.filter(ready_q(now), pk__in=ids).update(**changes)
    else:
        # One statement: SQLite runs it alone, and a second sweep sees the rows taken.
        pick = Subquery(ready.values("pk")[:limit])
        with transaction.atomic():
            if not model.objects.filter(ready_q(now), pk__in=pick).update(**changes):
                return []
    return list(model.objects.filter(claim=token).order_by("pk"))


# Sending -------------------------------------------------------------------------------


def is_permanent(exc: BaseException) -> bool:
    """A 5xx refusal or a message that cannot be encoded: trying again will not help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    if isinstance(exc, OSError | DatabaseError):
        return False  # timeouts, refused or closed connections, a database hiccup
    return isinstance(exc, ValueError | UnicodeError | LookupError | TypeError)


def is_connection_failure(exc: BaseException) -> bool:
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError) or (
        isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
    )


class Sender:
    """One SMTP connection for a batch, reopened after a failure, closed at the end."""

    def __init__(self):
        self.connection = None
        self.failures_in_a_row = 0

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        try:
            self.connection.send_messages([message])
        except BaseException as exc:
            self.close()
            if is_connection_failure(exc):
                self.failures_in_a_row += 1
            raise
        self.failures_in_a_row = 0

    @property
    def server_down(self) -> bool:
        return self.failures_in_a_row >= 2

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self.connection.close()
            self.connection = None


def _failed(row, exc: BaseException, now: datetime) -> str:
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    row.lease_until, row.claim = None, ""
    if is_permanent(exc) or row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        row.status = "failed"
        logger.error("%s %s failed for good: %s", type(row).__name__, row.pk, row.last_error)
    else:
        row.status = "pending"
        delay = settings.REMINDER_RETRY_DELAY * 3 ** (row.attempts - 1)
        row.next_attempt_at = now + timedelta(seconds=delay)
        logger.warning(
            "%s %s not sent (attempt %s), next try at %s: %s",
            type(row).__name__,
            row.pk,
            row.attempts,
            row.next_attempt_at,
            row.last_error,
        )
    return row.status


def _done(row, status: str, note: str | None = None) -> str:
    row.status, row.lease_until, row.claim = status, None, ""
    if note is not None:
        row.last_error = note
    return status


def _release(row, now: datetime) -> None:
    """Back to the queue untouched (the batch stopped before reaching it)."""
    row.status, row.lease_until, row.claim, row.next_attempt_at = "pending", None, "", now


# The reminder log ----------------------------------------------------------------------


def load_targets(rows: list[Reminder]) -> dict[tuple[int, int], models.Model]:
    """The objects of these rows by (content type, id), each kind read by its rule's
    `for_delivery` and prepared by its `prepare_batch`: a constant number of queries."""
    from .rules import get_rule

    by_kind: dict[tuple[str, int], list[Reminder]] = defaultdict(list)
    for row in rows:
        by_kind[(row.kind, row.content_type_id)].append(row)
    targets: dict[tuple[int, int], models.Model] = {}
    for (kind, type_id), kind_rows in by_kind.items():
        rule, model = get_rule(kind), ContentType.objects.get_for_id(type_id).model_class()
        if rule is None or model is None:
            continue
        ids = {row.object_id for row in kind_rows}
        found = list(rule.for_delivery(model._default_manager.filter(pk__in=ids)))
        rule.prepare_batch(found, kind_rows)
        targets |= {(type_id, obj.pk): obj for obj in found}
    return targets


class _Batch:
    """What the checks of one batch of reminders read, loaded once per batch."""

    def __init__(self, rows: list[Reminder]):
        from .rules import get_rule

        self.rules = {row.kind: get_rule(row.kind) for row in rows}
        self.targets = load_targets(rows)
        users = {row.recipient_id for row in rows if row.recipient_id}
        self.chosen = {
            (user_id, kind): mode
            for user_id, kind, mode in Preference.objects.filter(
                user_id__in=users, kind__in=self.rules
            ).values_list("user_id", "kind", "mode")
        }
        from expect.accounts.models import User

        self.users = User.objects.in_bulk(users)

    def target(self, row: Reminder):
        return self.targets.get((row.content_type_id, row.object_id))


def _check(batch: _Batch, row: Reminder) -> tuple[str, str] | None:
    """Why the row must not be sent now (its new status and a note), or None."""
    rule, target = batch.rules.get(row.kind), batch.target(row)
    if rule is None or target is None or getattr(target, "archived_at", None) is not None:
        return Status.SKIPPED, "No longer due when it was to be sent"
    current = rule.current_deadline(target)
    if row.deadline is not None and current is not None and current != row.deadline:
        return Status.SUPERSEDED, f"The deadline moved to {current:%Y-%m-%d}"
    if not rule.is_current(target, row):
        return Status.SKIPPED, "No longer due when it was to be sent"
    if row.recipient_id is None:
        return None  # a mailbox without an account (the DAECT secretariat)
    user = batch.users.get(row.recipient_id)
    if user is None or not user.is_active or user.email.lower() != row.email.lower():
        return Status.SKIPPED, "The recipient's account is no longer active at this address"
    allowed = rule.recipients(target)
    if allowed is not None and row.recipient_id not in {u.pk for u in allowed}:
        return Status.SKIPPED, "The recipient is no longer concerned (team or membership)"
    mode = rule.mode_for(batch.chosen.get((row.recipient_id, row.kind)))
    if mode == Mode.OFF:
        return Status.SKIPPED, "Turned off by the recipient"
    if mode == Mode.DIGEST:
        return Status.HELD, ""
    return None


def _build(rule, target, row: Reminder, user) -> tuple[EmailMultiAlternatives, dict]:
    context = rule.context(target, row)
    message = emails.build(
        f"reminders/{rule.template}",
        [row.email],
        {"user": user, "reminder": row, "object": target, **context},
        language=user.preferred_language if user else settings.LANGUAGE_CODE,
        cc=row.cc,
        headers={"Message-ID": row.message_id},
    )
    return message, context


def deliver_reminders(rows: list[Reminder], now: datetime, sender: Sender) -> Counter:
    """Check, send and record a claimed batch; returns the outcomes."""
    outcomes: Counter = Counter()
    batch = _Batch(rows)
    sent: list[tuple[Reminder, dict]] = []
    remaining = list(rows)
    try:
        while remaining:
            row = remaining[0]
            row.message_id = row.message_id or reminder_message_id(row)
            outcomes[_deliver_one(batch, row, now, sender, sent)] += 1
            remaining.pop(0)
            if sender.server_down:
                break
    except SoftTimeLimitExceeded:
        logger.warning("Reminders batch stopped by its time limit; the rest goes back.")
    finally:
        for row in remaining:
            _release(row, now)
        Reminder.objects.bulk_update(rows, _REMINDER_FIELDS)
    by_kind: dict[str, list] = defaultdict(list)
    for row, context in sent:
        by_kind[row.kind].append((batch.target(row), row, context))
    for kind, items in by_kind.items():
        try:
            batch.rules[kind].after_batch(items)
        except Exception:  # the messages went out: never send them again for this
            logger.exception("After sending reminders %s", [row.pk for _, row, _ in items])
    return outcomes


def _deliver_one(batch: _Batch, row: Reminder, now: datetime, sender: Sender, sent) -> str:
    refusal = _check(batch, row)
    if refusal is not None:
        return _done(row, *refusal)
    rule, target = batch.rules[row.kind], batch.target(row)
    user = batch.users.get(row.recipient_id) if row.recipient_id else None
    try:
        message, context = _build(rule, target, row, user)
    except NothingToSend:
        return _done(row, Status.SKIPPED, "Nothing to report")
    except SoftTimeLimitExceeded:
        raise  # the batch stops; this row goes back to the queue
    except Exception as exc:  # a template or a context: logged, tried again if passing
        logger.exception("Reminder %s could not be built", row.pk)
        return _failed(row, exc, now)
    try:
        sender.send(message)
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # the SMTP server or the network
        return _failed(row, exc, now)
    row.subject, row.sent_at, row.last_error = message.subject[:300], now, ""
    sent.append((row, context))
    return _done(row, Status.SENT)


# The outbox of the other e-mails -----------------------------------------------------------


def outbox_email(row: OutboxMessage) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        to=row.to,
        cc=row.cc,
        reply_to=row.reply_to,
        headers={"Message-ID": row.message_id},
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for item in row.attachments:
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    return message


def deliver_outbox_rows(rows: list[OutboxMessage], now: datetime, sender: Sender) -> Counter:
    outcomes: Counter = Counter()
    remaining = list(rows)
    try:
        while remaining:
            row = remaining[0]
            row.message_id = row.message_id or outbox_message_id(row)
            try:
                sender.send(outbox_email(row))
            except SoftTimeLimitExceeded:
                raise
            except Exception as exc:  # noqa: BLE001 - recorded on the row, retried
                outcomes[_failed(row, exc, now)] += 1
            else:
                row.sent_at, row.last_error = now, ""
                outcomes[_done(row, OutboxMessage.Status.SENT)] += 1
            remaining.pop(0)
            if sender.server_down:
                break
    except SoftTimeLimitExceeded:
        logger.warning("Outbox batch stopped by its time limit; the rest goes back.")
    finally:
        for row in remaining:
            _release(row, now)
        OutboxMessage.objects.bulk_update(rows, _OUTBOX_FIELDS)
    return outcomes


def deliver_outbox(ids: list[int]) -> Counter:
    """Send these outbox rows now (on commit of the transaction that wrote them).

    Never raises: whatever fails stays in the outbox for the delivery task."""
    try:
        now = timezone.now()
        rows = claim(OutboxMessage, now, len(ids), pk__in=ids)
        if not rows:
            return Counter()
        sender = Sender()
        try:
            return deliver_outbox_rows(rows, now, sender)
        finally:
            sender.close()
    except Exception:  # noqa: BLE001 - after the commit: never a 500, the task retries
        logger.exception("Outbox messages %s left for the delivery task", ids)
        return Counter()


# Batches -------------------------------------------------------------------------------


def deliver_batch(now: datetime | None = None, size: int | None = None) -> tuple[Counter, bool]:
    """Claim and send one batch of reminders, then of outbox messages.

    Returns the outcomes and whether more may wait (the batch was full and the
    server answered): the caller then starts another batch."""
    now = now or timezone.now()
    size = size or settings.REMINDER_BATCH_SIZE
    sender = Sender()
    outcomes: Counter = Counter()
    claimed = 0
    try:
        rows = claim(Reminder, now, size)
        claimed += len(rows)
        if rows:
            outcomes += deliver_reminders(rows, now, sender)
        if claimed < size and not sender.server_down:
            outbox = claim(OutboxMessage, now, size - claimed)
            claimed += len(outbox)
            if outbox:
                outcomes += deliver_outbox_rows(outbox, now, sender)
    finally:
        sender.close()
    return outcomes, claimed >= size and not sender.server_down


def ready_count(now: datetime) -> int:
    return Reminder.objects.ready(now).count() + OutboxMessage.objects.ready(now).count()
