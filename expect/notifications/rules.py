"""Reminder rules and deadline sources: declared by each domain app in its `reminders.py`.

A rule says, for one kind of reminder, which steps are due now (with set-based
queries whose number does not depend on the number of objects), who receives
them, and what the message says. A deadline source lists a user's own upcoming
deadlines, for the dashboard and the iCalendar feed. `expect.notifications`
imports no domain app: it finds the rules through `autodiscover()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import Preference, Reminder

if TYPE_CHECKING:
    from expect.accounts.models import User


@dataclass(frozen=True)
class Due:
    """A step due now for one object, and the people it goes to."""

    obj: models.Model
    step: str
    due_on: date
    users: tuple[User, ...] = ()
    emails: tuple[str, ...] = ()  # mailboxes without an account (the DAECT secretariat)
    cc: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """One of a user's own deadlines, for the dashboard and the calendar."""

    uid: str
    on: date
    title: str
    description: str
    url: str
    kind: str = ""


class Rule:
    """One kind of reminder. Subclasses set the class attributes and implement `due`."""

    kind: ClassVar[str]  # "<app>.<name>", also the name of the preference
    label: ClassVar[str]  # what the user sees on the preferences page
    template: ClassVar[str]  # e-mail templates under templates/emails/
    roles: ClassVar[tuple[str, ...]] = ()  # who may choose how to receive it
    # The user's own legal deadlines: always sent, as they happen.
    mandatory: ClassVar[bool] = False
    modes: ClassVar[tuple[str, ...]] = tuple(Preference.Mode.values)
    default_mode: ClassVar[str] = Preference.Mode.IMMEDIATE

    def due(self, now: datetime) -> Iterable[Due]:
        raise NotImplementedError

    def prepare(self, now: datetime) -> None:
        """State changes the sweep makes before planning (not run by a dry run)."""

    def after_send(self, obj: models.Model, reminder: Reminder, context: dict) -> None:
        """Called in the sending transaction once the message went out."""

    def mode_for(self, chosen: str | None) -> str:
        """How a recipient receives this kind, given their choice (None: no choice made)."""
        if self.mandatory:
            return Preference.Mode.IMMEDIATE
        return chosen if chosen in self.modes else self.default_mode

    def is_current(self, obj: models.Model, reminder: Reminder) -> bool:
        """Checked again just before sending: False when the reminder has become pointless."""
        return True

    def context(self, obj: models.Model, reminder: Reminder) -> dict:
        """What the message needs besides the object: at least `url` and the deadline."""
        raise NotImplementedError

    # Helpers for the subclasses -------------------------------------------------

    def not_yet_logged(self, queryset: models.QuerySet, step: str) -> models.QuerySet:
        """Exclude the objects whose `step` of this kind was already planned."""
        content_type = ContentType.objects.get_for_model(queryset.model)
        logged = Reminder.objects.filter(
            kind=self.kind, content_type=content_type, object_id=OuterRef("pk"), step=step
        )
        return queryset.exclude(Exists(logged))

    def logged_steps(self, model: type[models.Model], ids: Iterable[int]) -> set[tuple[int, str]]:
        """(object id, step) already planned for these objects, in one query."""
        content_type = ContentType.objects.get_for_model(model)
        rows = Reminder.objects.filter(
            kind=self.kind, content_type=content_type, object_id__in=list(ids)
        ).values_list("object_id", "step")
        return set(rows)


class AnswerAwaited(Rule):
    """An object waits for the answer to a request for information, recorded as a history
    event: reminded `delay` after the latest request, once per request (the step names it).
    """

    delay: ClassVar[timedelta] = timedelta(days=7)
    event_field: ClassVar[str]  # the event's foreign key to the object
    context_name: ClassVar[str]  # the object's name in the e-mail templates

    def awaiting(self) -> models.QuerySet:
        """The objects waiting for an answer."""
        raise NotImplementedError

    def requests(self) -> models.QuerySet:
        """The events that ask for information, newest first."""
        raise NotImplementedError

    def with_recipients(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def recipients(self, obj: models.Model) -> tuple[User, ...]:
        raise NotImplementedError

    def url(self, obj: models.Model) -> str:
        raise NotImplementedError

    def due(self, now: datetime) -> Iterable[Due]:
        start = catch_up_start(timezone.localdate(now))
        last = self.requests().filter(**{self.event_field: OuterRef("pk")})
        waiting = list(
            self.with_recipients(
                self.awaiting()
                .annotate(
                    asked_at=Subquery(last.values("at")[:1]),
                    asked_event=Subquery(last.values("pk")[:1]),
                )
                .filter(asked_at__lte=now - self.delay, asked_at__date__gte=start - self.delay)
            )
        )
        logged = self.logged_steps(self.awaiting().model, (obj.pk for obj in waiting))
        for obj in waiting:
            step = f"info-{obj.asked_event}"
            if (obj.pk, step) not in logged:
                on = timezone.localdate(obj.asked_at + self.delay)
                yield Due(obj, step, on, users=self.recipients(obj))

    def is_current(self, obj: models.Model, reminder: Reminder) -> bool:
        last = self.requests().filter(**{self.event_field: obj}).first()
        return (
            last is not None
            and f"info-{last.pk}" == reminder.step
            and self.awaiting().filter(pk=obj.pk).exists()
        )

    def context(self, obj: models.Model, reminder: Reminder) -> dict:
        event = self.requests().get(pk=reminder.step.removeprefix("info-"))
        return {
            self.context_name: obj,
            "question": event.comment,
            "asked_at": event.at,
            "url": self.url(obj),
        }


def catch_up_start(today: date) -> date:
    """The oldest step date still sent: missed steps are caught up within this window."""
    return today - timedelta(days=settings.REMINDER_CATCH_UP_DAYS)


@dataclass(frozen=True)
class Waiting:
    """Work waiting on DAECT staff, for their daily digest."""

    label: str
    count: int
    url: str


_rules: dict[str, Rule] = {}
_sources: list[Callable[[User, date], Iterable[Deadline]]] = []
_waiting: list[Callable[[User], Iterable[Waiting]]] = []


def rule(cls: type[Rule]) -> type[Rule]:
    """Class decorator: register a rule under its kind."""
    if cls.kind in _rules:
        raise ValueError(f"Two reminder rules of kind {cls.kind}")
    _rules[cls.kind] = cls()
    return cls


def deadline_source(
    function: Callable[[User, date], Iterable[Deadline]],
) -> Callable[[User, date], Iterable[Deadline]]:
    """Register a function listing a user's own deadlines from a date on."""
    _sources.append(function)
    return function


def waiting_source(
    function: Callable[[User], Iterable[Waiting]],
) -> Callable[[User], Iterable[Waiting]]:
    """Register a function listing what waits on a DAECT agent (counts and links)."""
    _waiting.append(function)
    return function


def waiting_for(user: User) -> list[Waiting]:
    """What waits on a DAECT agent, the empty counts left out."""
    autodiscover()
    return [item for source in _waiting for item in source(user) if item.count]


def autodiscover() -> None:
    autodiscover_modules("reminders")


def all_rules() -> Iterator[Rule]:
    autodiscover()
    return iter(sorted(_rules.values(), key=lambda r: r.kind))


def get_rule(kind: str) -> Rule | None:
    autodiscover()
    return _rules.get(kind)


def deadlines_for(user: User, start: date | None = None, days: int | None = None) -> list[Deadline]:
    """The user's own deadlines from `start` (today) on, sorted; within `days` if given."""
    autodiscover()
    start = start or timezone.localdate()
    found = [d for source in _sources for d in source(user, start) if d.on >= start]
    if days is not None:
        found = [d for d in found if d.on <= start + timedelta(days=days)]
    return sorted(found, key=lambda d: (d.on, d.title))
