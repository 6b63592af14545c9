"""Helpers shared by the apps' demo data (`<app>/demo.py`, run by `manage.py seed_demo`).

The demo writes its objects directly (in bulk at national scale) rather than through
the services, because its stories happened in the past: a service dates every step
today and refuses a planned date in the past. What the services would have written is
written here too: one `Event` per step, dated when the step happened, with the same
verbs, states and details, so that every timeline reads as if people had done it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any

from django.utils import timezone

from .events import KINDS
from .models import Event

# `seed_demo --scale N` keeps the national proportions of N = 36,000 collectivities.
NATIONAL = 36_000
BATCH = 2_000


def share(n: int, national_count: int) -> int:
    """How many objects N collectivities have, when 36,000 have `national_count`."""
    return max(1, round(n * national_count / NATIONAL))


def chunks(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime on that day, in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def day_rng(seed: Any) -> random.Random:
    """A generator of its own per object, so that object i is the same whatever N is."""
    return random.Random(str(seed))


def event(
    verb: str,
    at: datetime,
    *,
    by=None,
    before: str = "",
    after: str = "",
    comment: str = "",
    public: bool = True,
    data: dict | None = None,
    **subjects,
) -> Event:
    """An unsaved Event as `expect.core.events.record()` would write it, dated `at`.

    `subjects` are the objects (or their ids, as `mission_id=`) the event is about; pass
    the parents too (a mission's event names its need), as `record()` does.
    """
    kind = KINDS.get(verb, Event.Kind.TRANSITION)
    transition = kind == Event.Kind.TRANSITION
    return Event(
        verb=verb,
        kind=kind,
        actor_id=by if isinstance(by, int) or by is None else by.pk,
        at=at,
        from_state=before if transition else "",
        to_state=after if transition else "",
        comment=comment,
        is_public=public and kind != Event.Kind.NOTE,
        data=data or {},
        **subjects,
    )


def save_events(events: list[Event]) -> int:
    Event.objects.bulk_create(events, batch_size=BATCH)
    return len(events)


def later(at: datetime, days: float) -> datetime:
    return at + timedelta(days=days)


def applies(position: int) -> bool:
    """Whether the scale collectivity at that position applied for a label: one in five,
    7,200 dossiers for 36,000 collectivities (5,000 labels among them)."""
    return position % 5 == 0
