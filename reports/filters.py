"""The search and filters of the public library of mission reports.

Each filter is also a facet: its menu shows, for each value, how many reports the
search would find with that value and every other filter as chosen (one grouped
query per facet, whatever the number of reports). Values that would find nothing
are left out of the menu, except the one chosen.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from expect.core import facets, generations
from expect.organisations.models import Collectivity, Sdg, Theme

from .models import MissionReport
from .search import search_reports

# Enough for a few precise words; a longer text is refused with a message.
SEARCH_MAX_LENGTH = 200
# The years a mission may have returned in; the menu offers those with reports.
YEARS = range(1950, 2101)


def library_reports() -> QuerySet[MissionReport]:
    """The published reports, newest first, with what their cards show."""
    return (
        MissionReport.objects.published()
        .select_related("mission__collectivity", "mission__request__theme")
        .order_by("-published_at", "-pk")
    )


def country_choices() -> list[tuple[str, str]]:
    """The countries of the published reports, by name in the current language."""
    codes = (
        MissionReport.objects.published()
        .order_by()  # the model's ordering would make DISTINCT keep one row per report
        .values_list("mission__request__country", flat=True)
        .distinct()
    )
    return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])


FACETS = {  # the filters counted, and where their values are read
    "theme": facets.Facet(F("mission__request__theme")),
    "country": facets.Facet(F("mission__request__country")),
    "year": facets.Facet(ExtractYear("mission__return_date")),
    "sdg": facets.Facet(F("mission__request__theme__sdgs")),
    "kind": facets.Facet(F("mission__collectivity__kind")),
}


class FilterForm(forms.Form):
    # Every filter is optional: the DSFR pack then leaves out the "(optional)" mark.
    all_optional = True


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_words",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_(
            "Searched in the reports, their theme, country, partner authority and collectivity."
        ),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="mission__request__theme",
        queryset=Theme.objects.all(),
        empty_label=_("All themes"),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="mission__request__country",
        # Any country is valid; the menu offers those of the reports (see `facets`).
        choices=lambda: list(countries),
        empty_label=_("All countries"),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year of the mission"),
        field_name="mission__return_date__year",
        choices=[(str(year), year) for year in YEARS],
        empty_label=_("All years"),
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("Sustainable development goal"),
        field_name="mission__request__theme__sdgs",
        queryset=Sdg.objects.all(),
        empty_label=_("All goals"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of collectivity"),
        field_name="mission__collectivity__kind",
        choices=Collectivity.Kind.choices,
        empty_label=_("All kinds"),
    )

    class Meta:
        model = MissionReport
        fields: list[str] = []
        form = FilterForm

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("queryset", library_reports())
        super().__init__(*args, **kwargs)

    def filter_words(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_reports(queryset, value)

    @property
    def words(self) -> str:
        return (facets.chosen(self.form) or {}).get("q", "")

    def _filtered(self, data: dict, *, without: str) -> QuerySet:
        """The search with every filter chosen but `without`."""
        queryset = self.queryset
        for name, value in data.items():
            if name != without:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def count_facets(self) -> dict[str, dict[str, int]]:
        """For each facet, the number of reports of each value (empty if the form is not)."""
        data = facets.chosen(self.form)
        if data is None:
            return {}
        counts = facets.cached(
            generations.LIBRARY,
            data,
            lambda: {
                name: facet.counts(self._filtered(data, without=name))
                for name, facet in FACETS.items()
            },
        )
        facets.offer(self.form, counts, latest_first=("year",))
        return counts
