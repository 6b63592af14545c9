"""Planning in the database: the log rows of due steps written by `INSERT … SELECT`.

A deadline rule's due steps are found and written by the database itself, without
loading the objects into Python: each statement selects the candidate objects (the
rule's QuerySet, compiled), joins their recipients (a QuerySet of pairs) and their
notification preferences, computes the step's key and date from the deadline in SQL
and inserts the rows, the log's unique key turning a second sweep's rows into no-ops
(`ON CONFLICT DO NOTHING`). The number of statements depends on the rule's steps,
never on the number of objects, and the memory of the worker stays flat.

The SQL is written for PostgreSQL and SQLite (the embedded default); `Sql` holds the
few expressions where they differ (dates and JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import F

from .models import Preference, Reminder

Status = Reminder.Status
Mode = Preference.Mode
# What an expression gets: the SQL of the candidate's deadline column.
DEADLINE = "c.plan_deadline"
COLUMNS = (
    "kind",
    "content_type_id",
    "object_id",
    "step",
    "due_on",
    "deadline",
    "recipient_key",
    "recipient_id",
    "email",
    "cc",
    "status",
    "attempts",
    "next_attempt_at",
    "claim",
    "message_id",
    "last_error",
    "subject",
    "created_at",
    "resent_count",
)
NOTE_EXPIRED = "Older than the catch-up window when it was planned"
NOTE_OFF = "Turned off by the recipient"


class Sql:
    """The date and JSON expressions of the current database."""

    @staticmethod
    def postgres() -> bool:
        return connection.vendor == "postgresql"

    @classmethod
    def date_text(cls, column: str) -> str:
        return f"to_char({column}, 'YYYY-MM-DD')" if cls.postgres() else f"({column})"

    @classmethod
    def add_days(cls, column: str, days: str) -> str:
        """`column` + `days` (an SQL integer expression), a date."""
        if cls.postgres():
            return f"({column} + ({days}))"
        return f"date({column}, (({days})) || ' days')"

    @classmethod
    def minus_months(cls, column: str, months: int) -> str:
        """Calendar months, clamped to the month's end (as `relativedelta`)."""
        if cls.postgres():
            return f"CAST({column} - interval '{months:d} months' AS date)"
        # SQLite rolls 31 February over to 3 March: keep the earlier of that and the
        # last day of the target month.
        last_day = f"date({column}, 'start of month', '-{months:d} months', '+1 month', '-1 day')"
        return f"min(date({column}, '-{months:d} months'), {last_day})"

    @classmethod
    def days_since(cls, column: str) -> str:
        """Whole days from `column` to the parameter that follows (a date)."""
        if cls.postgres():
            return f"(CAST(%s AS date) - {column})"
        return f"CAST(julianday(%s) - julianday({column}) AS INTEGER)"

    @classmethod
    def materialized(cls) -> str:
        """Computed once, first (PostgreSQL would otherwise fold it into the joins)."""
        return "MATERIALIZED" if cls.postgres() else ""

    @classmethod
    def json(cls) -> str:
        return "CAST(%s AS jsonb)" if cls.postgres() else "%s"


def shifted(column: str, before: timedelta | relativedelta) -> str:
    """The SQL of `deadline - before` (a step's date)."""
    if isinstance(before, relativedelta):
        if before.days or before.years or not before.months or before.months < 0:
            raise ValueError("A step counted in months must be whole months before the deadline")
        return Sql.minus_months(column, before.months)
    return Sql.add_days(column, str(-before.days))


def last_deadline(on: Callable[[date], date], today: date, before) -> date:
    """The latest deadline whose step date (`on`) has come by `today`: step dates grow with
    their deadline, so "step due" is "deadline on or before this date" in SQL."""
    deadline = today + before
    while on(deadline) > today:
        deadline -= timedelta(days=1)
    while on(deadline + timedelta(days=1)) <= today:
        deadline += timedelta(days=1)
    return deadline


@dataclass(frozen=True)
class Recipients:
    """Who receives a step: `pairs` has the columns `plan_link` and `plan_user`, matched on
    the candidate's `link` field; `only` restricts the candidates this source serves."""

    pairs: models.QuerySet
    link: str = "pk"
    only: models.Q | models.Expression | None = None


def pairs(queryset: models.QuerySet, link: str, user: str) -> models.QuerySet:
    return queryset.annotate(plan_link=F(link), plan_user=F(user)).values("plan_link", "plan_user")


@dataclass(frozen=True)
class Variant:
    """One log row per candidate and recipient: a step, its key and date from the deadline.

    `status` fixed (caught up…) or None: then by the recipient's delivery mode; either
    way "expired" for a step date before `expired_before`. `cc` goes with the first
    recipient's message only. `where` restricts the candidates (SQL on `DEADLINE`).
    """

    key: tuple[str, list]
    on: tuple[str, list]
    status: str | None = None
    expired_before: date | None = None
    cc: tuple[str, ...] = ()
    note: tuple[str, list] = ("''", [])
    # Which candidates: `where` is shared by the variants of a step (evaluated once per
    # candidate), `also` is the variant's own further condition.
    where: tuple[str, list] = ("1 = 1", [])
    also: tuple[str, list] = ("1 = 1", [])


@dataclass(frozen=True)
class Rows:
    """One statement: the variants (a step and the earlier ones it replaces…) of a set of
    objects, read in one scan."""

    objects: models.QuerySet
    deadline_field: str
    variants: tuple[Variant, ...]


def both(*conditions: tuple[str, list]) -> tuple[str, list]:
    """The SQL conditions joined by AND."""
    return (
        " AND ".join(f"({sql})" for sql, _ in conditions),
        [param for _, params in conditions for param in params],
    )


def not_logged(
    rule, model: type[models.Model], prefix: str, extra: tuple[str, list] = ("", [])
) -> tuple[str, list]:
    """No log row yet of this kind for the candidate, its deadline and a step named
    `prefix…` (the planner's NOT EXISTS, on the log's target index)."""
    content_type = ContentType.objects.get_for_model(model)
    return (
        "NOT EXISTS (SELECT 1 FROM notifications_reminder l WHERE l.kind = %s"
        " AND l.content_type_id = %s AND l.object_id = c.plan_object"
        f" AND l.deadline = c.plan_deadline AND l.step LIKE %s{extra[0]})",
        [rule.kind, content_type.pk, f"{prefix}%", *extra[1]],
    )


def _status_sql(rule, variant: Variant) -> tuple[str, list]:
    if variant.status is not None:
        by_mode, params = "%s", [variant.status]
    elif rule.mandatory:
        by_mode, params = "%s", [Status.PENDING]
    else:
        by_mode = (
            "CASE WHEN p.mode = %s AND %s THEN %s WHEN p.mode = %s AND %s THEN %s"
            " WHEN p.mode = %s AND %s THEN %s ELSE %s END"
        )
        params = []
        for mode, status in ((Mode.IMMEDIATE, Status.PENDING), (Mode.DIGEST, Status.HELD)):
            params += [mode, mode in rule.modes, status]
        params += [Mode.OFF, Mode.OFF in rule.modes, Status.SKIPPED]
        params.append(
            {Mode.IMMEDIATE: Status.PENDING, Mode.DIGEST: Status.HELD, Mode.OFF: Status.SKIPPED}[
                rule.default_mode
            ]
        )
    if variant.expired_before is None:
        return by_mode, params
    on_sql, on_params = variant.on
    return (
        f"CASE WHEN {on_sql} < %s THEN %s ELSE {by_mode} END",
        [*on_params, variant.expired_before, Status.EXPIRED, *params],
    )


def _columns(rule, variant: Variant, first: str) -> list[tuple[str, list]]:
    """The SQL of the variant's step, date, copy, status and note."""
    status = _status_sql(rule, variant)
    cc = (
        f"CASE WHEN {first} THEN {Sql.json()} ELSE {Sql.json()} END",
        [json.dumps(list(variant.cc)), "[]"],
    )
    note = (
        f"CASE {status[0]} WHEN %s THEN %s WHEN %s THEN %s ELSE {variant.note[0]} END",
        [*status[1], Status.SKIPPED, NOTE_OFF, Status.EXPIRED, NOTE_EXPIRED, *variant.note[1]],
    )
    return [variant.key, variant.on, cc, status, note]


def _by_variant(parts: list[tuple[str, list]]) -> tuple[str, list]:
    sql = " ".join(f"WHEN {index:d} THEN {part}" for index, (part, _) in enumerate(parts))
    return f"CASE c.n {sql} END", [param for _, params in parts for param in params]


def select(rule, rows: Rows, recipients: Recipients, now: datetime) -> tuple[str, str, list]:
    """The log rows of `rows` for one source of recipients: a WITH clause (the due
    candidates and variants, computed first, alone: a small set), the SELECT, and the
    parameters of both in order."""
    objects = rows.objects
    if recipients.only is not None:
        objects = objects.filter(recipients.only)
    objects = (
        objects.order_by()
        .annotate(
            plan_object=F("pk"),
            plan_link=F(recipients.link),
            plan_deadline=F(rows.deadline_field),
        )
        .values("plan_object", "plan_link", "plan_deadline")
    )
    objects_sql, objects_params = objects.query.sql_with_params()
    pairs_sql, pairs_params = recipients.pairs.order_by().query.sql_with_params()
    content_type = ContentType.objects.get_for_model(rows.objects.model)
    numbers = " UNION ALL ".join(f"SELECT {i:d} AS n" for i in range(len(rows.variants)))
    # Each distinct condition once per candidate (a flag), then the variants by flag.
    conditions: dict[tuple[str, tuple], int] = {}
    for variant in rows.variants:
        conditions.setdefault((variant.where[0], tuple(variant.where[1])), len(conditions))
    flags = ", ".join(f"({sql}) AS g{index:d}" for (sql, _), index in conditions.items())
    flag_params = [param for (_, params) in conditions for param in params]
    where = " OR ".join(
        f"(v.n = {i:d} AND c.g{conditions[(v.where[0], tuple(v.where[1]))]:d} AND ({v.also[0]}))"
        for i, v in enumerate(rows.variants)
    )
    also_params = [param for variant in rows.variants for param in variant.also[1]]
    materialized = Sql.materialized()
    due = (
        f"WITH candidates AS {materialized} (SELECT c.plan_object, c.plan_link,"
        f" c.plan_deadline, {flags} FROM ({objects_sql}) c),"
        f" due AS {materialized} (SELECT c.plan_object, c.plan_link, c.plan_deadline, v.n"
        f" FROM candidates c CROSS JOIN ({numbers}) v WHERE {where})"
    )
    first = "ROW_NUMBER() OVER (PARTITION BY c.plan_object, c.n ORDER BY u.id) = 1"
    columns = [_columns(rule, variant, first) for variant in rows.variants]
    key, on, cc, status, note = (_by_variant([c[i] for c in columns]) for i in range(5))
    user_table = connection.ops.quote_name(_user_table())
    sql = (
        f"SELECT %s, %s, c.plan_object, {key[0]}, {on[0]}, c.plan_deadline,"
        f" 'user:' || CAST(u.id AS TEXT), u.id, u.email, {cc[0]}, {status[0]}, 0, %s,"
        f" '', '', {note[0]}, '', %s, 0"
        " FROM due c"
        f" JOIN ({pairs_sql}) r ON r.plan_link = c.plan_link"
        f" JOIN {user_table} u ON u.id = r.plan_user"
        " LEFT JOIN notifications_preference p ON p.user_id = u.id AND p.kind = %s"
        " WHERE u.is_active AND u.email <> ''"
    )
    # The parameters in the order of their placeholders.
    params = [
        *flag_params,
        *objects_params,
        *also_params,
        rule.kind,
        content_type.pk,
        *key[1],
        *on[1],
        *cc[1],
        *status[1],
        now,
        *note[1],
        now,
        *pairs_params,
        rule.kind,
    ]
    return due, sql, params


def _user_table() -> str:
    from expect.accounts.models import User

    return User._meta.db_table


def _no_jit(cursor) -> None:
    # The "not yet logged" subqueries make PostgreSQL's estimates large enough to compile
    # the statement (seconds of JIT for a few milliseconds of work): not for these.
    if Sql.postgres():
        cursor.execute("SET LOCAL jit = off")


def insert(rule, statements: list[Rows], sources: list[Recipients], now: datetime) -> int:
    """Write the rows of every statement for every source; returns the rows written."""
    written = 0
    columns = ", ".join(COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        _no_jit(cursor)
        for rows in statements:
            for recipients in sources:
                due, sql, params = select(rule, rows, recipients, now)
                cursor.execute(
                    f"{due} INSERT INTO notifications_reminder ({columns}) {sql}"
                    " ON CONFLICT DO NOTHING",
                    params,
                )
                written += max(cursor.rowcount, 0)
    return written


def preview(rule, statements: list[Rows], sources: list[Recipients], now: datetime) -> list:
    """The rows the statements would write (the dry run), unsaved."""
    found = []
    with transaction.atomic(), connection.cursor() as cursor:
        _no_jit(cursor)
        for rows in statements:
            for recipients in sources:
                due, sql, params = select(rule, rows, recipients, now)
                cursor.execute(f"{due} {sql}", params)
                for values in cursor.fetchall():
                    row = dict(zip(COLUMNS, values, strict=True))
                    if isinstance(row["cc"], str):
                        row["cc"] = json.loads(row["cc"])
                    found.append(Reminder(**row))
    return found


def _high_water(model: type[models.Model]) -> list[str]:
    """The SQL of the largest id of the model's table and of its history table."""
    quote = connection.ops.quote_name
    found = [f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})"]
    history = getattr(getattr(model, "history", None), "model", None)
    if history is not None:
        found.append(f"(SELECT MAX(history_id) FROM {quote(history._meta.db_table)})")
    return found


def watermarks(rules) -> dict[str, str]:
    """For each rule, the high-water marks of the tables it reads (`Rule.watched`), in one
    query: each is the last entry of a primary key index."""
    parts = {
        rule.kind: [sql for model in rule.watched() for sql in _high_water(model)] for rule in rules
    }
    columns = [sql for sqls in parts.values() for sql in sqls]
    if not columns:
        return {rule.kind: "" for rule in rules}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}")
        values = iter(cursor.fetchone())
    return {kind: ",".join(str(next(values)) for _ in sqls) for kind, sqls in parts.items()}
