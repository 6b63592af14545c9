"""Reminder rules and deadline sources: declared by each domain app in its `reminders.py`.

A rule says, for one kind of reminder, which steps are due now (with set-based
queries whose number does not depend on the number of objects), who receives
them, and what the message says. A deadline source lists a user's own upcoming
deadlines, for the dashboard and the iCalendar feed. `expect.notifications`
imports no domain app: it finds the rules through `autodiscover()`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, Min, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from . import planner
from .models import Preference, Reminder

if TYPE_CHECKING:
    from expect.accounts.models import User


def step_key(name: str, deadline: date) -> str:
    """The key of a step names the deadline it belongs to: "m-6@2027-09-01"."""
    return f"{name}@{deadline.isoformat()}"


@dataclass(frozen=True)
class Due:
    """A step due now for one object, and the people it goes to."""

    obj: models.Model
    step: str
    due_on: date
    users: tuple[User, ...] = ()
    emails: tuple[str, ...] = ()  # mailboxes without an account (the DAECT secretariat)
    cc: tuple[str, ...] = ()
    deadline: date | None = None
    # Set when the step is only logged, not sent: older than the catch-up window.
    status: str | None = None
    # Earlier steps of the same deadline, never logged, that this one replaces after an
    # outage: logged as caught up, not sent (key, step date).
    earlier: tuple[tuple[str, date], ...] = ()


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
    # Steps that fall on dates, planned in full by the day's first sweep.

    def due(self, now: datetime) -> Iterable[Due]:
        """The due steps, found in Python (the rules whose `statements` is None)."""
        raise NotImplementedError

    def statements(self, now: datetime) -> list[planner.Rows] | None:
        """The due steps as `INSERT … SELECT` statements run by the database, or None."""
        return None

    def recipient_sources(self) -> list[planner.Recipients]:
        return []

    def watched(self) -> tuple[type[models.Model], ...]:
        """The models whose rows decide the due steps and their recipients: a new row or a
        saved one (its history) makes the next sweep plan the rule again."""
        return ()

    def next_due(self, now: datetime) -> datetime | None:
        """The first moment after `now` when a step may come due with the records
        unchanged (None: never); until then, and while `watched` is unchanged, the
        sweeps skip the rule. By default: now (planned at every sweep)."""
        return now

    def prepare(self, now: datetime) -> None:
        """State changes the sweep makes before planning (not run by a dry run)."""

    def after_send(self, obj: models.Model, reminder: Reminder, context: dict) -> None:
        """Called once the message went out."""

    def prepare_batch(self, targets: list[models.Model], rows: list[Reminder]) -> None:
        """Load what `context` reads for the whole batch at once (a constant number of
        queries per batch), after `for_delivery`."""

    def after_batch(self, sent: list[tuple[models.Model, Reminder, dict]]) -> None:
        """Called once the batch's messages of this kind went out (object, row, context)."""
        for obj, reminder, context in sent:
            self.after_send(obj, reminder, context)

    def mode_for(self, chosen: str | None) -> str:
        """How a recipient receives this kind, given their choice (None: no choice made)."""
        if self.mandatory:
            return Preference.Mode.IMMEDIATE
        return chosen if chosen in self.modes else self.default_mode

    # At sending time ---------------------------------------------------------------

    def for_delivery(self, queryset: models.QuerySet) -> models.QuerySet:
        """The objects of a batch, with what `is_current`, `recipients` and `context` read
        (one set of queries per batch, whatever its size)."""
        return queryset

    def current_deadline(self, obj: models.Model) -> date | None:
        """The object's deadline now: a row planned for another one is superseded."""
        return None

    def is_current(self, obj: models.Model, reminder: Reminder) -> bool:
        """Checked again just before sending: False when the reminder has become pointless."""
        return True

    def recipients(self, obj: models.Model) -> tuple[User, ...] | None:
        """Who may receive it now (still on the team, still a member…); None: anyone."""
        return None

    def context(self, obj: models.Model, reminder: Reminder) -> dict:
        """What the message needs besides the object: at least `url` and the deadline."""
        raise NotImplementedError

    # Helpers for the subclasses -------------------------------------------------

    def logged(self, model: type[models.Model], **lookups) -> models.QuerySet:
        """This kind's log rows for the object of an outer query (`object_id=OuterRef("pk")`)."""
        content_type = ContentType.objects.get_for_model(model)
        return Reminder.objects.filter(
            kind=self.kind, content_type=content_type, object_id=OuterRef("pk"), **lookups
        )

    def not_yet_logged(self, queryset: models.QuerySet, step: str) -> models.QuerySet:
        """Exclude the objects whose `step` of this kind was already planned (NOT EXISTS)."""
        return queryset.exclude(Exists(self.logged(queryset.model, step=step)))

    def logged_steps(self, model: type[models.Model], ids: Iterable[int]) -> set[tuple[int, str]]:
        """(object id, step) already planned for these objects, in one query."""
        content_type = ContentType.objects.get_for_model(model)
        rows = Reminder.objects.filter(
            kind=self.kind, content_type=content_type, object_id__in=list(ids)
        ).values_list("object_id", "step")
        return set(rows)


@dataclass(frozen=True)
class Step:
    """A step of a deadline: due `before` the deadline (a negative delta: after it)."""

    name: str
    before: timedelta | relativedelta

    def on(self, deadline: date) -> date:
        return deadline - self.before

    def last_deadline(self, today: date) -> date:
        """The latest deadline whose step has come by `today`."""
        return planner.last_deadline(self.on, today, self.before)

    def on_sql(self) -> tuple[str, list]:
        return planner.shifted(planner.DEADLINE, self.before), []


def key_sql(name: str) -> tuple[str, list]:
    """The SQL of `step_key(name, deadline)`."""
    return f"%s || {planner.Sql.date_text(planner.DEADLINE)}", [f"{name}@"]


def replaced_note(key: tuple[str, list]) -> tuple[str, list]:
    return f"'Replaced by the later step ' || {key[0]} || ' after an outage'", key[1]


class DeadlineRule(Rule):
    """Steps before (or after) a date field of the object, keyed by that date.

    Planned by the database (`expect.notifications.planner`), once a day: the steps
    fall on dates, so the day's later sweeps have nothing new to find. After an outage
    only the latest due step of each deadline is sent; the earlier ones never logged
    are logged as caught up; a latest step older than the catch-up window is logged as
    expired, not sent. A moved deadline has new keys: the new steps are planned, the
    old rows not yet sent are superseded at sending time.
    """

    steps: ClassVar[tuple[Step, ...]]  # from the earliest to the latest
    deadline_field: ClassVar[str]
    # The first step of what follows (a rule's own series, e.g. weekly when overdue).
    after_last: ClassVar[Step | None] = None

    def candidates(self, step: Step, today: date) -> models.QuerySet:
        """The objects for which `step` may be due (state, not archived…)."""
        raise NotImplementedError

    def recipient_sources(self) -> list[planner.Recipients]:
        """Who receives the steps, as pairs of (object or link, user) in the database."""
        raise NotImplementedError

    def cc(self, step: Step) -> tuple[str, ...]:
        return ()

    def current_deadline(self, obj: models.Model) -> date | None:
        return getattr(obj, self.deadline_field)

    def candidate_group(self, step: Step) -> str:
        """Steps of one group have the same `candidates` and are planned in one scan."""
        return ""

    def statements(self, now: datetime) -> list[planner.Rows]:
        """For each step, the objects whose latest due step it is and that have no row of
        it yet: its row, and the rows of the earlier steps it replaces. One statement
        (one scan of the candidates) per group of steps."""
        today = timezone.localdate(now)
        start = catch_up_start(today)
        groups: dict[str, list[int]] = defaultdict(list)
        for index, step in enumerate(self.steps):
            groups[self.candidate_group(step)].append(index)
        found = []
        for indexes in groups.values():
            first = self.steps[indexes[0]]
            latest = max(self.steps[index].last_deadline(today) for index in indexes)
            objects = self.candidates(first, today).filter(
                **{f"{self.deadline_field}__lte": latest}
            )
            variants = [v for index in indexes for v in self._variants(index, today, start)]
            found.append(planner.Rows(objects, self.deadline_field, tuple(variants)))
        return found

    def _variants(self, index: int, today: date, start: date) -> list[planner.Variant]:
        step = self.steps[index]
        later = self.steps[index + 1] if index + 1 < len(self.steps) else self.after_last
        # Due (its date has come), the latest due (the next one has not), not yet logged.
        where = [(f"{planner.DEADLINE} <= %s", [step.last_deadline(today)])]
        if later is not None:
            where.append((f"{planner.DEADLINE} > %s", [later.last_deadline(today)]))
        model = self.candidates(step, today).model
        where.append(planner.not_logged(self, model, f"{step.name}@"))
        condition = planner.both(*where)
        key = key_sql(step.name)
        skipped = [
            replace(self.skipped(earlier, key, start), where=condition)
            for earlier in self.steps[:index]
        ]
        current = planner.Variant(
            key, step.on_sql(), expired_before=start, cc=self.cc(step), where=condition
        )
        return [*skipped, current]

    @staticmethod
    def skipped(step: Step, replaced_by: tuple[str, list], start: date) -> planner.Variant:
        """An earlier step replaced after an outage: logged, not sent."""
        return planner.Variant(
            key_sql(step.name),
            step.on_sql(),
            status=Reminder.Status.CAUGHT_UP,
            expired_before=start,
            note=replaced_note(replaced_by),
        )

    def due(self, now: datetime) -> Iterable[Due]:
        raise NotImplementedError("Planned by the database: see `statements`")

    def next_due(self, now: datetime) -> datetime | None:
        return next_day(now)


class AnswerAwaited(Rule):
    """An object waits for the answer to a request for information, recorded as a history
    event: reminded `delay` after the latest request, once per request (the step's key
    names the request's date).
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

    def url(self, obj: models.Model) -> str:
        raise NotImplementedError

    def _with_request(self, queryset: models.QuerySet) -> models.QuerySet:
        last = self.requests().filter(**{self.event_field: OuterRef("pk")})
        return queryset.annotate(
            asked_at=Subquery(last.values("at")[:1]),
            asked_question=Subquery(last.values("comment")[:1]),
        )

    def due(self, now: datetime) -> Iterable[Due]:
        start = catch_up_start(timezone.localdate(now))
        asked = self._with_request(self.awaiting()).annotate(asked_on=TruncDate("asked_at"))
        logged = self.logged(self.awaiting().model, deadline=OuterRef("asked_on"))
        waiting = self.with_recipients(
            asked.filter(asked_at__lte=now - self.delay).exclude(Exists(logged))
        )
        for obj in waiting:
            asked_on = timezone.localdate(obj.asked_at)
            on = timezone.localdate(obj.asked_at + self.delay)
            yield Due(
                obj,
                step_key("d+7", asked_on),
                on,
                users=self.recipients(obj) or (),
                deadline=asked_on,
                status=Reminder.Status.EXPIRED if on < start else None,
            )

    def watched(self) -> tuple[type[models.Model], ...]:
        from expect.accounts.models import Membership, User

        return (self.awaiting().model, self.requests().model, Membership, User)

    def next_due(self, now: datetime) -> datetime | None:
        """The next request to come to its seventh day."""
        waiting = self._with_request(self.awaiting()).filter(asked_at__gt=now - self.delay)
        return after(waiting.aggregate(first=Min("asked_at"))["first"], self.delay)

    def for_delivery(self, queryset: models.QuerySet) -> models.QuerySet:
        awaiting = self.awaiting().filter(pk=OuterRef("pk"))
        return self.with_recipients(self._with_request(queryset)).annotate(
            still_awaiting=Exists(awaiting)
        )

    def current_deadline(self, obj: models.Model) -> date | None:
        return timezone.localdate(obj.asked_at) if obj.asked_at else None

    def is_current(self, obj: models.Model, reminder: Reminder) -> bool:
        return obj.still_awaiting

    def context(self, obj: models.Model, reminder: Reminder) -> dict:
        return {
            self.context_name: obj,
            "question": obj.asked_question,
            "asked_at": obj.asked_at,
            "url": self.url(obj),
        }


def after(moment: datetime | None, delay: timedelta) -> datetime | None:
    """`moment + delay`, or None without a moment (for `Rule.next_due`)."""
    return moment + delay if moment is not None else None


def next_day(now: datetime) -> datetime:
    """The start of the next day (local time): when the steps that fall on dates move."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))


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
_waiting: list[Callable[[], Iterable[Waiting]]] = []
_personal: list[Callable[[list[User]], dict[int, list[Waiting]]]] = []


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


def waiting_source(function: Callable[[], Iterable[Waiting]]) -> Callable[[], Iterable[Waiting]]:
    """Register a function listing what waits on DAECT (counts and links), the same for
    every agent: computed once per batch of digests."""
    _waiting.append(function)
    return function


def personal_waiting_source(
    function: Callable[[list[User]], dict[int, list[Waiting]]],
) -> Callable[[list[User]], dict[int, list[Waiting]]]:
    """Register a function listing what waits on each of these agents ({user id: items}),
    in a constant number of queries."""
    _personal.append(function)
    return function


def waiting_for(users: list[User]) -> dict[int, list[Waiting]]:
    """What waits on each of these DAECT agents, the empty counts left out."""
    autodiscover()
    shared = [item for source in _waiting for item in source() if item.count]
    found = {user.pk: list(shared) for user in users}
    for source in _personal:
        for user_pk, items in source(users).items():
            found[user_pk] += [item for item in items if item.count]
    return found


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
