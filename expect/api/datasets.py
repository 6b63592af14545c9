"""The bulk files of the open data: one CSV and one JSON file per dataset, and its schema.

A dataset is declared once, by the app that owns its rule (`labellisation/api.py`,
`missions/api.py`, `reports/api.py`): the rows (a QuerySet method of that app) and the
columns. The CSV, the JSON and the Table Schema (https://specs.frictionlessdata.io/
table-schema/) are all made from that one declaration, so they cannot disagree.

At national volume (tens of thousands of rows) a file takes seconds to make: it is
made once per generation of the content it shows (`expect.core.generations`) and kept
in the cache, with the time it was made; requests only read it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Choices, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django_countries import countries

from expect.core import generations

LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
# Rows read from the database at a time while a file is made: memory stays flat.
CHUNK_SIZE = 2000
# A file is kept until its generation moves, a day at most (for the "in force today" rules).
TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Column:
    """A column: its name, its Table Schema type, what it holds and how to read it."""

    name: str
    type: str  # integer, number, string, date, datetime, boolean
    description: str | Promise
    value: Callable[[Any], Any]
    required: bool = False


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str | Promise
    description: str | Promise
    # The generation whose move makes the file stale (expect/core/generations.py).
    generation: str
    rows: Callable[[], QuerySet]
    columns: tuple[Column, ...]

    @property
    def primary_key(self) -> str:
        return self.columns[0].name

    def filename(self, fmt: str) -> str:
        return f"expe-ct-{self.slug}.{fmt}"


@lru_cache(maxsize=1024)
def _label(choices: type[Choices], value: str, language: str) -> str:
    return str(choices(value).label)


def choice_label(choices: type[Choices], value: str | None) -> str | None:
    """The label of a choice in the active language, read once per value and language
    rather than once per row."""
    return _label(choices, value, translation.get_language()) if value else None


@lru_cache(maxsize=1024)
def _country(code: str, language: str) -> str:
    return str(countries.name(code))


def country_name(code: str | None) -> str | None:
    """The country's name in the active language, looked up once per code and language."""
    return _country(code, translation.get_language()) if code else None


@dataclass(frozen=True)
class Built:
    body: bytes
    built_at: datetime


def table_schema(dataset: Dataset) -> dict:
    """The Table Schema of the dataset, its descriptions in the active language."""
    fields = []
    for column in dataset.columns:
        field: dict[str, Any] = {
            "name": column.name,
            "type": column.type,
            "description": str(column.description),
        }
        if column.required:
            field["constraints"] = {"required": True}
        fields.append(field)
    return {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "licenses": [LICENCE],
        "fields": fields,
        "primaryKey": dataset.primary_key,
        "missingValues": [""],
    }


def _records(dataset: Dataset) -> Iterator[list[Any]]:
    for obj in dataset.rows().iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(obj) for column in dataset.columns]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _csv(dataset: Dataset, records: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(column.name for column in dataset.columns)
    for record in records:
        writer.writerow(_csv_cell(value) for value in record)
    return out.getvalue().encode()


def _json(dataset: Dataset, records: Iterable[list[Any]]) -> bytes:
    names = [column.name for column in dataset.columns]
    out = io.StringIO()
    out.write("[")
    for number, record in enumerate(records):
        out.write(",\n" if number else "\n")
        json.dump(dict(zip(names, record, strict=True)), out, cls=DjangoJSONEncoder)
    out.write("\n]\n")
    return out.getvalue().encode()


def build(dataset: Dataset, fmt: str) -> bytes:
    """The file, made now from the database. Its values do not depend on the visitor's
    language: names and labels are the French ones, the official ones."""
    with translation.override("fr"):
        records = _records(dataset)
        return _csv(dataset, records) if fmt == "csv" else _json(dataset, records)


def cache_key(dataset: Dataset, fmt: str) -> str:
    # The date is part of the key: "in force" and "completed" are read on a day.
    return generations.key(dataset.generation, "dataset", dataset.slug, fmt, timezone.localdate())


def cached(dataset: Dataset, fmt: str) -> Built | None:
    """The file already made for the current generation, if any (nothing is made here)."""
    return cache.get(cache_key(dataset, fmt))


def row_count(dataset: Dataset) -> int:
    """How many rows the dataset has today, counted once per generation."""
    key = cache_key(dataset, "count")
    return cache.get_or_set(key, lambda: dataset.rows().count(), timeout=TIMEOUT)


def get(dataset: Dataset, fmt: str) -> Built:
    """The file for the current generation: from the cache, or made and kept there."""
    key = cache_key(dataset, fmt)
    built = cache.get(key)
    if built is None:
        built = Built(body=build(dataset, fmt), built_at=timezone.now())
        cache.set(key, built, timeout=TIMEOUT)
    return built
