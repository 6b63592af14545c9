"""Search by words in the published reports.

PostgreSQL (production) runs a French full-text search on each published report's
stored vector (`reports.0005`): the structured part, the theme, the country, the
partner authority and the collectivity. "budgets" finds "budget", "dechets" finds
"déchets", "Sénégal" finds the missions in Senegal, and the best matches come
first. A mission's reference (EXPE-CT-M-00003, any case, or its number) puts its
report first. SQLite (the default run, without a server) has no such search: there
every word typed must appear, without accents nor case, in one of the same texts.
"""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django_countries import countries

from expect.core import fulltext
from expect.core.references import reference_q
from missions.models import Mission

from .models import MissionReport

SEARCHED_FIELDS = MissionReport.CONTENT_FIELDS
# What an extract is cut from: the parts a reader of the list cares about first.
EXTRACT_FIELDS = ("summary", "results", "recommendations", "lessons")
# The texts of a report's mission the fallback searches besides the report's own.
_MISSION_TEXTS = (
    "mission__collectivity__name",
    "mission__request__partner_name",
    "mission__request__partner_place",
    "mission__request__theme__name",
    "mission__request__theme__name_en",
)

clean_text = fulltext.clean_text


def search_reports(queryset: QuerySet, text: str | None) -> QuerySet:
    """The reports of `queryset` matching `text`, best first on PostgreSQL."""
    text = clean_text(text)
    if not text:
        return queryset
    by_reference = reference_q(text, Mission, "mission__reference")
    if fulltext.is_full_text():
        return _full_text(queryset, text, by_reference)
    found = Q(pk__in=_fallback_ids(text))
    return queryset.filter(found | by_reference if by_reference else found)


def _full_text(queryset: QuerySet, text: str, by_reference: Q | None) -> QuerySet:
    search = fulltext.query(text)
    queryset = queryset.alias(search=fulltext.StoredVector(), rank=fulltext.rank(search))
    if by_reference is None:
        return queryset.filter(search=search).order_by("-rank", "-published_at", "-pk")
    # The report of the mission quoted comes first, then those with the words.
    quoted = Case(When(by_reference, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        queryset.alias(quoted=quoted)
        .filter(Q(search=search) | by_reference)
        .order_by("-quoted", "-rank", "-published_at", "-pk")
    )


def _fallback_ids(text: str) -> list[int]:
    """The published reports whose texts hold every word typed (SQLite only: one query
    over the whole library, fine for a demonstration, never run in production)."""
    needles = fulltext.words(text)
    if not needles:
        return []
    rows = MissionReport.objects.published().values_list(
        "pk", "mission__request__country", *_MISSION_TEXTS, *SEARCHED_FIELDS
    )
    return [
        pk
        for pk, country, *texts in rows
        if fulltext.contains_every_word(needles, [_country_names(country), *texts])
    ]


def _country_names(code: str) -> str:
    from django.utils import translation

    with translation.override("fr"):
        french = countries.name(code)
    with translation.override("en"):
        return f"{french} {countries.name(code)}"


def add_extracts(reports: list[MissionReport], text: str | None) -> None:
    """Give each report of one page its `extract`: the passages around the words found
    (None without words, on SQLite, or when only the title or theme matched), in one
    query for the page, never for the whole result."""
    for report in reports:
        report.extract = None
    text = clean_text(text)
    if not reports or not text or not fulltext.is_full_text():
        return
    parts = []
    for field in EXTRACT_FIELDS:
        parts += [F(field), Value(" … ", output_field=TextField())]
    rows = (
        MissionReport.objects.filter(pk__in=[report.pk for report in reports])
        .annotate(
            extract=fulltext.headline(
                Concat(*parts[:-1], output_field=TextField()), fulltext.query(text)
            )
        )
        .values_list("pk", "extract")
    )
    extracts = dict(rows)
    for report in reports:
        report.extract = fulltext.marked_or_none(extracts.get(report.pk))
