"""Search by words in the structured part of the reports.

PostgreSQL (production) runs a French full-text search: "budgets" finds "budget",
"participative" finds "participatif", and the best matches come first. A mission's
reference (EXPE-CT-M-00003, any case, or its number) finds its report. SQLite (the
default run, without a server) has no such search; there every word typed must
simply appear in one of the fields.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from expect.core.references import reference_q
from missions.models import Mission

from .models import MissionReport

SEARCHED_FIELDS = MissionReport.CONTENT_FIELDS
# A person types a few words; beyond that, words only make the query heavier.
MAX_WORDS = 20


def clean_text(text: str | None) -> str:
    """The text without NUL characters, which no database accepts in a query."""
    return (text or "").replace("\x00", " ").strip()


def search_reports(queryset: QuerySet, text: str | None) -> QuerySet:
    """The reports of `queryset` matching `text`, best first on PostgreSQL."""
    text = clean_text(text)
    if not text:
        return queryset
    by_reference = reference_q(text, Mission, "mission__reference")
    if by_reference is not None and queryset.filter(by_reference).exists():
        return queryset.filter(by_reference)  # a mission's reference: that report alone
    if connection.vendor == "postgresql":
        return _full_text(queryset, text)
    return _every_word(queryset, text)


def _full_text(queryset: QuerySet, text: str) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector(*SEARCHED_FIELDS, config="french")
    # "websearch" reads what people type (quotes, "or", a leading "-") and, unlike
    # the raw syntax, never fails on stray operators such as & | ! ( ) : *.
    query = SearchQuery(text, search_type="websearch", config="french")
    return (
        queryset.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query)
        .order_by("-rank", "-published_at", "-pk")
    )


def _every_word(queryset: QuerySet, text: str) -> QuerySet:
    words = list(dict.fromkeys(text.split()))[:MAX_WORDS]
    for word in words:
        in_a_field = Q()
        for field in SEARCHED_FIELDS:
            in_a_field |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(in_a_field)
    return queryset
