"""The search and filters of the public catalogue of labelled expertise.

The words, the theme and the SDG are looked for in one and the same label valid on
the day (its expertise, its theme), never in a lapsed one; the name, kind, region and
language are the collectivity's. Each menu is also a facet: it shows, for each value,
how many collectivities the search would find with that value and every other
filter as chosen (one grouped query per facet, whatever the number of rows).
"""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expect.core import facets, fulltext, generations
from expect.organisations.models import Collectivity, Language, Region, Sdg, Theme
from expect.organisations.validators import normalise_search

from . import search
from .models import Label

SEARCH_MAX_LENGTH = 200
# Looked for in the valid labels; the other filters are the collectivity's.
LABEL_FILTERS = ("q", "theme", "sdg")
LABEL_FACETS = {  # counted over the matching labels: collectivities per value
    "theme": facets.Facet(F("theme"), counted="collectivity", distinct=True),
    "sdg": facets.Facet(F("theme__sdgs"), counted="collectivity", distinct=True),
}
COLLECTIVITY_FACETS = {  # counted over the matching collectivities
    "kind": facets.Facet(F("kind")),
    "region": facets.Facet(F("region")),
    "language": facets.Facet(F("languages"), distinct=True),
}


def labelled_collectivities(day: date) -> QuerySet[Collectivity]:
    """Collectivities holding a label valid on that day, each with those labels prefetched.

    Only the valid labels are prefetched (in `valid_labels`): the catalogue must never
    show an expired, suspended or revoked label.
    """
    valid = Label.objects.valid_on(day)
    labels = valid.select_related("theme").order_by("theme__position", "theme__name")
    return (
        Collectivity.objects.filter(Exists(valid.filter(collectivity=OuterRef("pk"))))
        .select_related("region")
        .prefetch_related(Prefetch("labels", queryset=labels, to_attr="valid_labels"))
        .order_by("name", "pk")
    )


class FilterForm(forms.Form):
    # Every filter is optional: the DSFR pack then leaves out the "(optional)" mark.
    all_optional = True


class CatalogueFilter(django_filters.FilterSet):
    """Theme, SDG and words look at the labels valid on `day` only, never at lapsed ones."""

    q = django_filters.CharFilter(
        label=_("Words"),
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Searched in the described expertise, the themes, names and regions."),
    )
    name = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=100)
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), empty_label=_("All themes")
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("Sustainable development goal"),
        queryset=Sdg.objects.all(),
        empty_label=_("All goals"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Collectivity.Kind.choices, empty_label=_("All kinds")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("All regions")
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language spoken"),
        field_name="languages",
        queryset=Language.objects.all(),
        empty_label=_("All languages"),
    )

    class Meta:
        model = Collectivity
        fields: list[str] = []
        form = FilterForm

    def __init__(self, *args, day: date | None = None, **kwargs) -> None:
        self.day = day or timezone.localdate()
        kwargs.setdefault("queryset", labelled_collectivities(self.day))
        super().__init__(*args, **kwargs)

    def filter_name(self, queryset, name: str, value: str):
        needle = normalise_search(value)
        return queryset.filter(search_name__contains=needle) if needle else queryset

    @property
    def words(self) -> str:
        return self._data().get("q", "")

    def _data(self) -> dict:
        return facets.chosen(self.form) or {}

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        collectivities = self._collectivities(queryset)
        if not self.words or not fulltext.is_full_text():
            return collectivities  # by name (SQLite has no rank)
        rank = search.best_rank(self.matching_labels(), self.words)
        return collectivities.alias(rank=rank).order_by(F("rank").desc(nulls_last=True), "name")

    def matching_labels(self, *, without: str = "") -> QuerySet[Label]:
        """The labels valid on the day that match the words, theme and SDG chosen."""
        data = self._data()
        labels = search.matching_labels(
            Label.objects.valid_on(self.day), "" if without == "q" else data.get("q", "")
        )
        if data.get("theme") and without != "theme":
            labels = labels.filter(theme=data["theme"])
        if data.get("sdg") and without != "sdg":
            labels = labels.filter(theme__sdgs=data["sdg"])
        return labels

    def _collectivities(
        self, queryset: QuerySet, *, without: str = "", by_labels: bool = True
    ) -> QuerySet:
        data = self._data()
        if by_labels and any(data.get(name) for name in LABEL_FILTERS if name != without):
            labels = self.matching_labels(without=without)
            queryset = queryset.filter(Exists(labels.filter(collectivity=OuterRef("pk"))))
        for name, value in data.items():
            if name not in LABEL_FILTERS and name != without:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def count_facets(self) -> dict[str, dict[str, int]]:
        """For each facet, the number of collectivities of each value."""
        data = facets.chosen(self.form)
        if data is None:
            return {}
        # What is valid changes with the day, not only when the record does.
        chosen = {**data, "day": self.day.isoformat()}
        counts = facets.cached(generations.CATALOGUE, chosen, self._count_facets)
        facets.offer(self.form, counts)
        return counts

    def _count_facets(self) -> facets.Counts:
        counts = {}
        for name, facet in LABEL_FACETS.items():
            among = self._collectivities(self.queryset, by_labels=False).values("pk")
            labels = self.matching_labels(without=name).filter(collectivity__in=among)
            counts[name] = facet.counts(labels)
        for name, facet in COLLECTIVITY_FACETS.items():
            counts[name] = facet.counts(self._collectivities(self.queryset, without=name))
        return counts
