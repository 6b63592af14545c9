"""Pages of long public lists whose sorting and counting stay light.

Sorting a search's results by rank, then cutting the page, would carry every
matching row's columns (kilobytes of text each) through the sort. Here the order runs
on the primary keys alone, and the total comes with them (a window count: the search
runs once, not once for the count and once for the page); only the rows of the page
are then loaded, with what their cards show, in one more query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet, Window

# A page number past this is surely past the end: the paginator answers with the last page
# (an OFFSET of 10**20 rows would not even fit the database's integers).
LAST_PAGE_TRIED = 100_000


def lean_page(
    queryset: QuerySet,
    number: str | None,
    per_page: int,
    *,
    rows: Callable[[list[int]], Iterable[Model]],
) -> Page:
    """Page `number` of `queryset`, whose objects are `rows(ids)` in the order of `queryset`."""
    keys = queryset.values_list("pk", flat=True)
    paginator = Paginator(keys, per_page)
    page = _counted_page(paginator, keys, number)
    if page is None:  # not a page number, or past the end: the paginator's own rules
        page = paginator.get_page(number)
    ids = list(page.object_list)
    loaded = {row.pk: row for row in rows(ids)}
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    # The pagination template links these numbers, with ellipses for long ranges.
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


def _counted_page(paginator: Paginator, keys: QuerySet, number: str | None) -> Page | None:
    """The page and the total in one query, when `number` names a page that has rows."""
    try:
        index = int(number or 1)
    except ValueError:
        return None
    if not 1 <= index <= LAST_PAGE_TRIED:
        return None
    start = (index - 1) * paginator.per_page
    found = list(
        keys.annotate(total=Window(Count("pk"))).values_list("pk", "total")[
            start : start + paginator.per_page
        ]
    )
    if not found:
        return None if index > 1 else Page([], 1, _with_count(paginator, 0))
    return Page([pk for pk, _total in found], index, _with_count(paginator, found[0][1]))


def _with_count(paginator: Paginator, count: int) -> Paginator:
    paginator.__dict__["count"] = count  # a cached_property: no COUNT query
    return paginator
