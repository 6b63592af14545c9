"""The filters of the public catalogue of labelled expertise."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expect.organisations.models import Collectivity, Language, Region, Sdg, Theme
from expect.organisations.validators import normalise_search

from .models import Label


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
    """Theme and SDG look at the labels valid on `day` only, never at lapsed ones."""

    name = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=100)
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        method="filter_theme",
        empty_label=_("All themes"),
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("Sustainable development goal"),
        queryset=Sdg.objects.all(),
        method="filter_sdg",
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

    def filter_theme(self, queryset, name: str, value: Theme):
        return self._with_valid_label(queryset, theme=value)

    def filter_sdg(self, queryset, name: str, value: Sdg):
        return self._with_valid_label(queryset, theme__sdgs=value)

    def _with_valid_label(self, queryset, **lookups):
        # A subquery rather than a join: no duplicate rows, and the condition applies
        # to one and the same valid label.
        labels = Label.objects.valid_on(self.day).filter(collectivity=OuterRef("pk"), **lookups)
        return queryset.filter(Exists(labels))
