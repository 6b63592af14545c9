"""The references people quote: EXPE-CT-000002 (application), EXPE-CT-B-00004 (need),
EXPE-CT-M-00003 (mission).

A reference is stored on its row (unique, indexed), derived from the primary key
in the transaction that creates the row: no counter to race for, no gap to
explain. Searches accept the full reference in any case, or its number alone
(with or without the leading zeros): `expe-ct-000002`, `EXPE-CT-2`, `000002`, `2`.
"""

from __future__ import annotations

import re

from django.db.models import Q


def format_reference(prefix: str, width: int, number: int) -> str:
    return f"{prefix}{number:0{width}d}"


def parse_reference(text: str, prefix: str, width: int) -> str | None:
    """The stored reference `text` names, or None when it is not one of this prefix."""
    value = "".join(text.split()).upper()
    if value.startswith(prefix):
        value = value[len(prefix) :]
    elif not value.isdigit():
        return None
    if not re.fullmatch(r"\d{1,12}", value):
        return None
    return format_reference(prefix, width, int(value))


def reference_q(text: str, model, field: str = "reference") -> Q | None:
    """A filter on the reference `text` names for `model` (or None if it names none)."""
    reference = parse_reference(text, model.REFERENCE_PREFIX, model.REFERENCE_WIDTH)
    return Q(**{field: reference}) if reference else None


def fill_references(model) -> int:
    """Give their reference to rows inserted without `save()` (`bulk_create`), in one UPDATE."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat, LPad

    number = LPad(Cast("pk", CharField()), model.REFERENCE_WIDTH, Value("0"))
    return model.objects.filter(reference__isnull=True).update(
        reference=Concat(Value(model.REFERENCE_PREFIX), number, output_field=CharField())
    )
