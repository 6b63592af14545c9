"""The filters of the public library of mission reports."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from expect.organisations.models import Sdg, Theme

from .models import MissionReport
from .search import search_reports

# Enough for a few precise words; a longer text is refused with a message.
SEARCH_MAX_LENGTH = 200


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
        .values_list("mission__request__country", flat=True)
        # Without the model's ordering, else DISTINCT runs over (country, date) pairs and
        # gives one option per report instead of one per country.
        .order_by()
        .distinct()
    )
    return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])


def year_choices() -> list[tuple[str, int]]:
    """The years of return of the missions of the published reports, latest first."""
    years = (
        MissionReport.objects.published()
        .filter(mission__return_date__isnull=False)
        .annotate(year=ExtractYear("mission__return_date"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return [(str(year), year) for year in years]


class FilterForm(forms.Form):
    # Every filter is optional: the DSFR pack then leaves out the "(optional)" mark.
    all_optional = True


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_words",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Searched in the summary, activities, results, recommendations and lessons."),
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
        choices=country_choices,
        empty_label=_("All countries"),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year of the mission"),
        field_name="mission__return_date__year",
        choices=year_choices,
        empty_label=_("All years"),
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("Sustainable development goal"),
        field_name="mission__request__theme__sdgs",
        queryset=Sdg.objects.all(),
        empty_label=_("All goals"),
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
