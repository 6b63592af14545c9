"""The rows of the back office's CSV and XLSX exports, in the reader's words.

An admin lists the columns in `export_fields` (paths such as "request__country"; a
model's `reference` comes first by itself). Each cell is written as a French reader
expects it: choice labels rather than codes, dates and times in Paris time as
« 01/12/2026 14:05 », « Oui » / « Non ». Every text cell that a spreadsheet would
read as a formula is neutralised (OWASP's rule: a leading quote), so a name typed as
`=HYPERLINK(…)` at registration is shown, never run.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries.fields import Country

# The first characters that make Excel, LibreOffice or Sheets read a cell as a formula
# (OWASP, "CSV Injection"): tab and carriage return too, which some strip before parsing.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal


def neutralise(text: str) -> str:
    """The text, with a leading quote if a spreadsheet would read it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a property, such as `reference`
        return None


def columns(model: type[models.Model], fields: Sequence[str] | None) -> list[str]:
    """The export's paths: the admin's, or every concrete field; the reference first."""
    paths = list(fields or [f.name for f in model._meta.concrete_fields])
    if hasattr(model, "reference") and "reference" not in paths:
        paths.insert(0, "reference")
    return paths


def header(model: type[models.Model], path: str) -> str:
    """The verbose name of the last field of a path, in the active language."""
    *relations, last = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    field = _field(model, last)
    if field is None:
        return _("Reference") if last == "reference" else capfirst(last.replace("_", " "))
    return capfirst(str(field.verbose_name))


def related_paths(model: type[models.Model], paths: Iterable[str]) -> list[str]:
    """The forward relations the paths cross, for one `select_related` of the whole export."""
    joins = set()
    for path in paths:
        current, walked = model, []
        for name in path.split("__"):
            field = _field(current, name)
            if field is None or not (field.many_to_one or field.one_to_one) or field.auto_created:
                break
            walked.append(name)
            joins.add("__".join(walked))
            current = field.related_model
    return sorted(joins)


def cell(value: object, field: models.Field | None = None) -> Cell:
    """One value as the reader expects it, text neutralised."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | Decimal) and not (field and field.choices):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Country):
        return neutralise(str(value.name))
    if isinstance(value, Iterable) and not isinstance(value, str | Promise):
        # Several countries of an embassy, for one.
        return neutralise(", ".join(str(cell(item)) for item in value))
    if field is not None and field.choices:
        value = dict(field.flatchoices or ()).get(value, value)
    if isinstance(value, Promise):
        value = str(value)
    return neutralise(str(value))


def value_at(obj: models.Model, path: str) -> Cell:
    """Follow a path such as "mission__request__country" from an object to its cell."""
    value, field = obj, None
    for name in path.split("__"):
        if value is None:
            return ""
        field = _field(type(value), name)
        value = getattr(value, name, "")
    return cell(value, field)


def table(
    queryset: QuerySet,
    fields: Sequence[str] | None = None,
    computed: Mapping[str, Callable[[models.Model], object]] | None = None,
) -> tuple[list[str], list[list[Cell]]]:
    """The headers and rows of an export; the same number of queries whatever its length.

    `computed` maps a column name to a function of the object (an admin's display
    method, whose `short_description` is the header), for values no field holds.
    """
    model, computed = queryset.model, computed or {}
    paths = columns(model, fields)
    headers = [
        capfirst(str(computed[path].short_description)) if path in computed else header(model, path)
        for path in paths
    ]
    queryset = queryset.select_related(*related_paths(model, paths))
    rows = [
        [cell(computed[path](obj)) if path in computed else value_at(obj, path) for path in paths]
        for obj in queryset
    ]
    return [neutralise(text) for text in headers], rows
