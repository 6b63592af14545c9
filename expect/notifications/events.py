"""Notices of events: who is told what happened, through their notification preferences.

Each domain app lists, in its `events.py`, the notices of the events of its objects
(`@notice` classes): the verbs they answer, who receives them, what they say and
what they carry (the mission sheet, an .ics of the dates). The registry is walked by
`tests/notifications/test_event_notices.py`, which checks for every verb the
recipients of each e-mail, and that the forbidden ones get nothing.

A notice is a reminder rule without steps of its own (`due()` is empty): it has its
preference on `/notifications/preferences/` (as they happen, daily digest, off;
`mandatory` ones always go), its rows in the reminder log (kind, the event, step
"event", recipient: the unique key forbids a double), its place in the daily digest
and its "resend" in the admin. A notice chosen "as they happen" is sent at once,
after the commit that recorded the event; if sending fails, the log's retries take
over (without the attachments, which the e-mail's link replaces).

E-mails: templates `emails/reminders/events/<template>_subject.txt`, `.txt`,
`.html`, in the recipient's language; they show the event's own sentence
(`Event.text`), the object's reference, what to do and a link.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation

from . import emails
from .models import Preference, Reminder
from .rules import Due, Rule, rule

if TYPE_CHECKING:
    from expect.accounts.models import User
    from expect.core.models import Event

logger = logging.getLogger(__name__)

_by_verb: dict[str, list[EventNotice]] = {}


class EventNotice(Rule):
    """One kind of notice. Subclasses set `kind`, `label`, `verbs`, `roles` and `recipients`."""

    verbs: ClassVar[tuple[str, ...]]
    template: ClassVar[str] = "events/event"
    headline: ClassVar[str]  # the subject after the reference, lazily translated
    todo: ClassVar[str] = ""  # what the recipient is to do, if anything
    # False when the event's sentence names what the recipient must not learn.
    show_sentence: ClassVar[bool] = True

    def due(self, now: datetime) -> Iterable[Due]:
        return ()  # sent when the event happens, never by the sweep

    def next_due(self, now: datetime) -> None:
        return None

    def applies(self, event: Event) -> bool:
        """False when this event, in the object's state now, is not worth telling."""
        return True

    def recipients(self, event: Event) -> Iterable[User]:
        raise NotImplementedError

    def subject_of(self, event: Event):
        """The object the e-mail is about (the mission, the need…)."""
        return getattr(event, event.subject)

    def url(self, event: Event) -> str:
        raise NotImplementedError

    def details(self, event: Event) -> list[tuple[str, object]]:
        """Lines "label: value" shown under the sentence (dates, place, team, budget)."""
        return []

    def attachments(self, event: Event) -> list[tuple[str, bytes, str]]:
        return []

    def context(self, obj: Event, reminder: Reminder) -> dict:
        subject = self.subject_of(obj)
        return {
            "event": obj,
            "notice": self,
            "subject": subject,
            "reference": _reference(subject),
            "headline": self.headline,
            "todo": self.todo,
            "show_sentence": self.show_sentence,
            "details": self.details(obj),
            "url": self.url(obj),
        }


def _reference(obj) -> str:
    for holder in (obj, getattr(obj, "mission", None), getattr(obj, "request", None)):
        reference = getattr(holder, "reference", None)
        if isinstance(reference, str) and reference:
            return reference
    application = getattr(obj, "application", None)
    return getattr(application, "reference", "") or ""


def notice(cls: type[EventNotice]) -> type[EventNotice]:
    """Class decorator: register a notice as a rule (its preference) and under its verbs."""
    rule(cls)
    instance = cls()  # notices keep no state: this one answers the verbs
    for verb in cls.verbs:
        _by_verb.setdefault(verb, []).append(instance)
    return cls


def all_notices() -> list[EventNotice]:
    seen = {id(n): n for notices in _by_verb.values() for n in notices}
    return sorted(seen.values(), key=lambda n: n.kind)


def notices_for(verb: str) -> list[EventNotice]:
    return list(_by_verb.get(verb, ()))


def announce(sender=None, *, event: Event, **kwargs) -> None:
    """Tell each recipient of each notice of the event (receiver of `event_recorded`)."""
    for item in notices_for(event.verb):
        if not item.applies(event):
            continue
        try:
            _announce_one(item, event)
        except Exception:  # one notice failing must not stop the others, nor the request
            logger.exception("Notice %s of event %s failed", item.kind, event.pk)


def _announce_one(item: EventNotice, event: Event) -> None:
    users = {u.pk: u for u in item.recipients(event) if u.is_active and u.email}
    users.pop(event.actor_id, None)  # the person who acted knows it
    if not users:
        return
    chosen = dict(
        Preference.objects.filter(user_id__in=list(users), kind=item.kind).values_list(
            "user_id", "mode"
        )
    )
    now = timezone.now()
    status_for = {
        Preference.Mode.IMMEDIATE: Reminder.Status.PENDING,
        Preference.Mode.DIGEST: Reminder.Status.HELD,
        Preference.Mode.OFF: Reminder.Status.SKIPPED,
    }
    content_type = ContentType.objects.get_for_model(event)
    rows = [
        Reminder(
            kind=item.kind,
            content_type=content_type,
            object_id=event.pk,
            step="event",
            due_on=timezone.localdate(now),
            recipient_key=f"user:{user.pk}",
            recipient=user,
            email=user.email,
            status=status_for[item.mode_for(chosen.get(user.pk))],
            created_at=now,
            next_attempt_at=now,
        )
        for user in users.values()
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    pending = Reminder.objects.filter(
        kind=item.kind,
        content_type=content_type,
        object_id=event.pk,
        status=Reminder.Status.PENDING,
    ).values_list("pk", flat=True)
    for pk in list(pending):
        _send(pk, item, event)


def _send(pk: int, item: EventNotice, event: Event) -> None:
    """Send one logged notice under its row lock, with its attachments."""
    with transaction.atomic():
        row = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, status=Reminder.Status.PENDING)
            .select_related("recipient")
            .first()
        )
        if row is None:
            return  # sent by someone else meanwhile
        user = row.recipient
        language = user.preferred_language if user else settings.LANGUAGE_CODE
        try:
            with translation.override(language):
                context = item.context(event, row)
                files = item.attachments(event)
            message = emails.build(
                f"reminders/{item.template}",
                [row.email],
                {"user": user, "reminder": row, "object": event, **context},
                language=language,
            )
            for name, content, mimetype in files:
                message.attach(name, content, mimetype)
            message.send()
        except Exception as exc:  # the mail server: the sweep's retries take over
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.next_attempt_at = timezone.now() + timedelta(seconds=settings.REMINDER_RETRY_DELAY)
            row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return
        row.status, row.sent_at, row.subject = (
            Reminder.Status.SENT,
            timezone.now(),
            message.subject[:300],
        )
        row.save(update_fields=["status", "sent_at", "subject"])
