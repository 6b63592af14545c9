"""Helpers shared by the apps' demo data (`<app>/demo.py`, run by `manage.py seed_demo`).

The demo writes its objects directly (in bulk at national scale) rather than through
the services, because its stories happened in the past: a service dates every step
today and refuses a planned date in the past. What the services would have written is
written here too: one `Event` per step, dated when the step happened, with the same
verbs, states and details, so that every timeline reads as if people had done it.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any

from django.db import connection
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
) -> dict[str, Any]:
    """The columns of an Event as `expect.core.events.record()` would write it, dated `at`.

    `subjects` are the saved objects (or their ids, as `mission_id=`) the event is about;
    pass the parents too (a mission's event names its need), as `record()` does. Plain
    columns rather than a model instance: the national seed writes hundreds of
    thousands of them, through COPY on PostgreSQL.
    """
    kind = KINDS.get(verb, Event.Kind.TRANSITION)
    transition = kind == Event.Kind.TRANSITION
    row = {
        "verb": str(verb),
        "kind": str(kind),
        "actor_id": by if isinstance(by, int) or by is None else by.pk,
        "at": at,
        "from_state": str(before) if transition else "",
        "to_state": str(after) if transition else "",
        "comment": comment,
        "is_public": public and kind != Event.Kind.NOTE,
        "data": data or {},
    }
    for name, value in subjects.items():
        if name.endswith("_id"):
            row[name] = value
        else:
            row[f"{name}_id"] = value.pk
    return row


def save_events(rows: list[dict[str, Any]]) -> int:
    insert_rows(Event, rows)
    return len(rows)


def insert_rows(model, rows: list[dict[str, Any]]) -> None:
    """Insert rows given as {column attname: value}: COPY on PostgreSQL, bulk_create
    elsewhere. For the tables nothing reads back from (events, teams, budget lines)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**row) for row in rows), batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = [f.column for f in fields]
    buffer = io.StringIO()
    for row in rows:
        values = (_copy_value(row.get(f.attname, defaults[f.attname])) for f in fields)
        buffer.write("\t".join(values))
        buffer.write("\n")
    buffer.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    # The text format of COPY: \N for NULL, backslash escapes for the separators.
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).translate(_ESCAPES)


def later(at: datetime, days: float) -> datetime:
    return at + timedelta(days=days)


def applies(position: int) -> bool:
    """Whether the scale collectivity at that position applied for a label: one in five,
    7,200 dossiers for 36,000 collectivities (5,000 labels among them)."""
    return position % 5 == 0
