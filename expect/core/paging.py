"""Pages of long public lists whose sorting and counting stay light.

Sorting a search's results by rank, then cutting the page, would carry every
matching row's columns (kilobytes of text each) through the sort. Here the count and
the order run on the primary keys alone; only the rows of the page are then loaded,
with what their cards show, in one more query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet


def lean_page(
    queryset: QuerySet,
    number: str | None,
    per_page: int,
    *,
    rows: Callable[[list[int]], Iterable[Model]],
) -> Page:
    """Page `number` of `queryset`, whose objects are `rows(ids)` in the order of `queryset`."""
    paginator = Paginator(queryset.values_list("pk", flat=True), per_page)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    loaded = {row.pk: row for row in rows(ids)}
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    # The pagination template links these numbers, with ellipses for long ranges.
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page
