"""Facets: the menus of a public list's filters, each value with the number of rows it
would find, every other filter being applied (the library, the catalogue).

A facet costs one grouped query, whatever the number of rows; values that would find
nothing leave the menu, except the one chosen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.cache import cache
from django.db.models import Count, Expression, QuerySet

from expect.core import generations

# The counts are kept until the content they count changes (its generation moves);
# this only bounds the memory taken by searches nobody repeats.
CACHE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Facet:
    """Where a filter's values are read, and what is counted for each."""

    group_by: Expression
    counted: str = "pk"
    distinct: bool = False  # when a row can meet a value twice (through a join)

    def counts(self, queryset: QuerySet) -> dict[str, int]:
        rows = (
            queryset.order_by()
            .prefetch_related(None)
            .values(value=self.group_by)
            .annotate(count=Count(self.counted, distinct=self.distinct))
            .values_list("value", "count")
        )
        return {str(value): count for value, count in rows if value is not None}


Counts = dict[str, dict[str, int]]


def cached(generation: str, chosen: dict, count: Callable[[], Counts]) -> Counts:
    """`count()`, kept in the cache for what was chosen, until `generation` moves."""
    canonical = "&".join(f"{name}={key(value)}" for name, value in sorted(chosen.items()))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    cache_key = generations.key(generation, "facets", digest)
    counts = cache.get(cache_key)
    if counts is None:
        counts = count()
        cache.set(cache_key, counts, CACHE_SECONDS)
    return counts


def key(value: object) -> str:
    """A menu's value as text: a model's pk, a choice's value, "" for none."""
    value = getattr(value, "value", value)  # a ModelChoiceIteratorValue
    value = getattr(value, "pk", value)
    return "" if value is None else str(value)


def chosen(form: forms.Form) -> dict | None:
    """What the visitor chose: {} for an unbound form, None for an invalid one."""
    if not form.is_bound:
        return {}
    return form.cleaned_data if form.is_valid() else None


def offer(
    form: forms.Form, counts: dict[str, dict[str, int]], *, latest_first: tuple[str, ...] = ()
) -> None:
    """Each menu of `form` lists the values with rows, with their number, in its own order
    (reversed for the menus of `latest_first`)."""
    data = chosen(form) or {}
    for name, by_value in counts.items():
        field = form.fields[name]
        chosen_value = key(data.get(name))
        empty, *values = [(key(value), label) for value, label in field.choices]
        if name in latest_first:
            values.reverse()
        # The widget's choices only: the field still validates any value it knows.
        field.widget.choices = [empty] + [
            (value, f"{label} ({by_value.get(value, 0)})")
            for value, label in values
            if value in by_value or value == chosen_value
        ]
