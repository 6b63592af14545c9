"""The reminders sweep: plan the due steps, record them in the log, deliver them in batches.

- The deadline rules (labels, reports: steps that fall on dates, thousands of
  objects) are planned by the database: `INSERT … SELECT … ON CONFLICT DO NOTHING`
  statements (`expect.notifications.planner`), a constant number per rule, run by
  the day's first sweep; the day's later sweeps find the day's mark and skip them.
- The other rules (answers awaited, memberships, the digest: few objects, steps that
  fall at an hour) find their due steps with set-based queries that leave out what
  the log already holds (NOT EXISTS), a constant number per rule, at every sweep.
- Either way one row per (kind, object, step, recipient); the unique key makes a
  second sweep's rows no-ops. A step's key names its deadline, so a renewed label
  or a moved due date gets new rows. After an outage only the latest due step of a
  deadline is sent: the earlier ones are logged as caught up; a step older than
  `REMINDER_CATCH_UP_DAYS` is logged as expired.
- Delivery (`expect.notifications.delivery`) claims bounded batches of rows and
  commits the claim before talking to the SMTP server; the Celery sweep enqueues
  the batches as separate short tasks.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from . import planner
from .delivery import NothingToSend, Sender, deliver_batch, deliver_reminders
from .models import PlanningMark, Preference, Reminder
from .rules import Due, Rule, all_rules, catch_up_start

__all__ = ["NothingToSend", "plan", "prepare", "record", "deliver_pending", "resend", "run"]

logger = logging.getLogger(__name__)

Status = Reminder.Status
Mode = Preference.Mode
_STATUS_FOR_MODE = {
    Mode.IMMEDIATE: Status.PENDING,
    Mode.DIGEST: Status.HELD,
    Mode.OFF: Status.SKIPPED,
}


def plan(now: datetime | None = None) -> list[Reminder]:
    """The log rows every rule would write now (the dry run), unsaved: the rules planned
    by the database are previewed with the same statements, not written."""
    now = now or timezone.now()
    found: list[Reminder] = []
    for rule in all_rules():
        statements = rule.statements(now)
        if statements is None:
            found += rows_for([(rule, due) for due in rule.due(now)], now)
        else:
            found += planner.preview(rule, statements, rule.recipient_sources(), now)
    return found


def prepare(now: datetime | None = None) -> None:
    """The state changes that deadlines bring (a label past its end becomes expired)."""
    now = now or timezone.now()
    for rule in all_rules():
        rule.prepare(now)


def record(dues: list[tuple[Rule, Due]], now: datetime | None = None) -> int:
    """Write the log rows of the due steps; rows already there are left alone.

    Returns the number of rows offered (new or not)."""
    rows = rows_for(dues, now)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def rows_for(dues: list[tuple[Rule, Due]], now: datetime | None = None) -> list[Reminder]:
    """The log rows of the due steps found in Python, unsaved. Each recipient's choice of
    delivery (as they happen, digest, off) decides the row's status; the legal
    deadlines (`Rule.mandatory`) are always sent as they happen. The earlier steps
    a due step replaces after an outage are logged as caught up (or expired).
    """
    now = now or timezone.now()
    start = catch_up_start(timezone.localdate(now))
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
            "deadline": due.deadline,
            "created_at": now,
            "next_attempt_at": now,
        }
        steps = [(due.step, due.due_on, due.status)] + [
            (key, on, Status.EXPIRED if on < start else Status.CAUGHT_UP) for key, on in due.earlier
        ]
        for step, on, fixed in steps:
            notes = {
                Status.EXPIRED: "Older than the catch-up window when it was planned",
                Status.CAUGHT_UP: f"Replaced by the later step {due.step} after an outage",
            }
            # The copy (DAECT for overdue reports) goes with the first message only.
            copy = list(due.cc) if fixed is None else []
            for user in due.users:
                if not (user.is_active and user.email):
                    continue
                status = fixed or _STATUS_FOR_MODE[rule.mode_for(chosen.get((user.pk, rule.kind)))]
                note = notes.get(status, "")
                if status == Status.SKIPPED:
                    note = "Turned off by the recipient"
                rows.append(
                    Reminder(
                        **common,
                        step=step,
                        due_on=on,
                        recipient_key=f"user:{user.pk}",
                        recipient=user,
                        email=user.email,
                        cc=copy if status in (Status.PENDING, Status.HELD) else [],
                        status=status,
                        last_error=note,
                    )
                )
                if status in (Status.PENDING, Status.HELD):
                    copy = []
            for address in due.emails:
                rows.append(
                    Reminder(
                        **common,
                        step=step,
                        due_on=on,
                        recipient_key=f"mail:{address.lower()}",
                        email=address,
                        cc=copy,
                        status=fixed or Status.PENDING,
                        last_error=notes.get(fixed, ""),
                    )
                )
                copy = []
    return rows


def deliver_pending(now: datetime | None = None) -> Counter:
    """Send every row that is ready, batch after batch (inline: the command and the tests;
    the Celery sweep enqueues the batches instead). Stops when the server is down."""
    now = now or timezone.now()
    outcomes: Counter = Counter()
    more = True
    while more:
        batch, more = deliver_batch(now)
        outcomes += batch
    return outcomes


def deliver(reminder: Reminder, *, now: datetime | None = None) -> str:
    """Send one row claimed by the caller and record the outcome; returns the status."""
    now = now or timezone.now()
    sender = Sender()
    try:
        deliver_reminders([reminder], now, sender)
    finally:
        sender.close()
    return reminder.status


def resend(reminder: Reminder, *, now: datetime | None = None) -> str:
    """DAECT sends a message again from the admin (a failed one, or a lost one)."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
        lease = reminder.lease_until
        if reminder.status == Status.SENDING and lease and lease > now:
            return reminder.status  # a worker is sending it right now
        if reminder.status == Status.SENT:
            reminder.resent_count += 1
            reminder.message_id = ""  # a deliberate second copy: a Message-ID of its own
        # A failed message gets its attempts back: if it fails again, the retries take over.
        reminder.attempts = 0
        reminder.status = Status.SENDING
        reminder.lease_until = now
        reminder.save(
            update_fields=["resent_count", "message_id", "attempts", "status", "lease_until"]
        )
    return deliver(reminder, now=now)


def plan_and_record(now: datetime | None = None) -> dict:
    """The sweep's first half: state changes, planning and recording (the Celery sweep).

    A rule is planned only when time has reached its next step or the records it
    reads changed since its last planning (`PlanningMark`): an idle sweep costs two
    queries. The deadline rules run in the database (`Rule.statements`), the others
    in Python; each rule's rows and its mark are written in one transaction.
    """
    now = now or timezone.now()
    rules = list(all_rules())
    marks = {mark.kind: mark for mark in PlanningMark.objects.all()}
    watermarks = planner.watermarks(rules)
    summary: Counter = Counter()
    for rule in rules:
        mark = marks.get(rule.kind)
        if mark is not None and mark.holds(now, watermarks[rule.kind]):
            continue
        with transaction.atomic():
            summary += _plan_rule(rule, now)
            PlanningMark.objects.bulk_create(
                [
                    PlanningMark(
                        kind=rule.kind,
                        planned_at=now,
                        next_due_at=rule.next_due(now),
                        watermark=watermarks[rule.kind],
                    )
                ],
                update_conflicts=True,
                unique_fields=["kind"],
                update_fields=["planned_at", "next_due_at", "watermark"],
            )
    return {key: summary[key] for key in ("due_steps", "rows_offered", "rows_planned")}


def _plan_rule(rule: Rule, now: datetime) -> Counter:
    rule.prepare(now)
    statements = rule.statements(now)
    if statements is None:
        dues = [(rule, due) for due in rule.due(now)]
        return Counter(due_steps=len(dues), rows_offered=record(dues, now))
    return Counter(rows_planned=planner.insert(rule, statements, rule.recipient_sources(), now))


def run(now: datetime | None = None) -> dict:
    """One sweep, inline: plan, record, and deliver every batch. Safe to run twice at once."""
    now = now or timezone.now()
    summary = plan_and_record(now)
    summary.update(deliver_pending(now))
    logger.info("Reminders sweep: %s", summary)
    return summary
