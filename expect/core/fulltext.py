"""The pieces of the public side's full-text search shared by the library and the catalogue.

On PostgreSQL each searched table has a `search_vector` column, weighted and
GIN-indexed, kept by triggers (see the migrations `labellisation.0007` and
`reports.0005`), read with the `french_unaccent` configuration: French stemming on
words stripped of their accents. SQLite (the default run, without a server) has no
such search: there each word typed, without its accents and in any case, must
appear in the text gathered in Python (`words` and `contains_every_word`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Expression
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from expect.organisations.validators import normalise_search

CONFIG = "french_unaccent"
# A person types a few words; beyond that, words only make the query heavier.
MAX_WORDS = 20
# Characters no text contains (Unicode private use), replaced by <mark> once escaped.
_START, _STOP = "\ue000", "\ue001"


def is_full_text() -> bool:
    return connection.vendor == "postgresql"


def clean_text(text: str | None) -> str:
    """The text without NUL characters, which no database accepts in a query."""
    return (text or "").replace("\x00", " ").strip()


class StoredVector(Expression):
    """The `search_vector` column of the query's own table (not a model field, so that
    no ordinary query loads it)."""

    output_field = SearchVectorField()
    contains_aggregate = False

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


def query(text: str) -> SearchQuery:
    # "websearch" reads what people type (quotes, "or", a leading "-") and, unlike
    # the raw syntax, never fails on stray operators such as & | ! ( ) : *.
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def rank(search: SearchQuery) -> SearchRank:
    return SearchRank(StoredVector(), search)


def headline(expression, search: SearchQuery) -> SearchHeadline:
    """Extracts of `expression` around the words found, for the rows of one page only."""
    return SearchHeadline(
        expression,
        search,
        config=CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=28,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def marked_or_none(extract: str | None) -> SafeString | None:
    """The extract escaped, with the words found in <mark>; None if it marks none
    (the words were found elsewhere than in the extract's text)."""
    if not extract or _START not in extract:
        return None
    html = escape(extract).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above, only our own tags added


def words(text: str) -> list[str]:
    """The distinct words typed, without accents nor case (the SQLite fallback)."""
    return list(dict.fromkeys(normalise_search(text).split()))[:MAX_WORDS]


def contains_every_word(needles: list[str], parts: Iterable[str | None]) -> bool:
    haystack = normalise_search(" ".join(part or "" for part in parts))
    return all(needle in haystack for needle in needles)
