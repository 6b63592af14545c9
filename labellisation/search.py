"""Search by words in the labelled expertise of the public catalogue.

PostgreSQL (production) runs a French full-text search on each label's stored
vector (`labellisation.0007`): the collectivity's name, the theme, the region, the
described expertise, the actions on its own territory and the earlier cooperation
projects (partner, country, description); "dechets" finds "déchets", and the best
matches come first. SQLite (the default run, without a server) has no such search:
there every word typed must appear, without accents nor case, in one of the texts
of the label or of its collectivity.
"""

from __future__ import annotations

from django.db.models import F, Max, OuterRef, QuerySet, Subquery
from django.utils.safestring import SafeString

from expect.core import fulltext

from .models import Label

_FALLBACK_TEXTS = (
    "collectivity__name",
    "collectivity__region__name",
    "theme__name",
    "theme__name_en",
    "application__expertise",
    "application__territory_actions",
)


def matching_labels(labels: QuerySet[Label], text: str) -> QuerySet[Label]:
    """The labels of `labels` whose words match `text` (all of them without words)."""
    text = fulltext.clean_text(text)
    if not text:
        return labels
    if fulltext.is_full_text():
        return labels.alias(search=fulltext.StoredVector()).filter(search=fulltext.query(text))
    return labels.filter(pk__in=_fallback_ids(labels, text))


def best_rank(labels: QuerySet[Label], text: str) -> Subquery:
    """For a collectivity (the outer row), the rank of its best matching label."""
    search = fulltext.query(text)
    return Subquery(
        labels.filter(collectivity=OuterRef("pk"))
        .order_by()
        .values("collectivity")
        .annotate(best=Max(fulltext.rank(search)))
        .values("best")
    )


def _fallback_ids(labels: QuerySet[Label], text: str) -> list[int]:
    """SQLite only: one query over the labels in force, fine for a demonstration."""
    needles = fulltext.words(text)
    if not needles:
        return []
    rows = labels.order_by().values_list("pk", *_FALLBACK_TEXTS)
    return [pk for pk, *texts in rows if fulltext.contains_every_word(needles, texts)]


def add_extracts(collectivities: list, labels: QuerySet[Label], text: str | None) -> None:
    """Give each collectivity of one page its `extract`: the passages of its best matching
    label's expertise around the words found (None without words, on SQLite, or when
    the words were found elsewhere), in one query for the page."""
    for collectivity in collectivities:
        collectivity.extract = None
    text = fulltext.clean_text(text)
    if not collectivities or not text or not fulltext.is_full_text():
        return
    search = fulltext.query(text)
    rows = (
        labels.filter(collectivity__in=[collectivity.pk for collectivity in collectivities])
        .alias(rank=fulltext.rank(search))
        .annotate(extract=fulltext.headline(F("application__expertise"), search))
        .order_by("collectivity", "-rank")
        .values_list("collectivity", "extract")
    )
    extracts: dict[int, SafeString] = {}
    for pk, extract in rows:
        marked = fulltext.marked_or_none(extract)
        if marked and pk not in extracts:
            extracts[pk] = marked
    for collectivity in collectivities:
        collectivity.extract = extracts.get(collectivity.pk)
