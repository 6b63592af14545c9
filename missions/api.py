"""Missions in the public API and the open data: the completed missions.

"Completed" is `Mission.objects.completed()`, the rule of the collectivities' public
pages. Only what those pages show is given: the country, the theme, the dates and the
collectivity; neither the team, nor the budget, nor the foreign partner's contacts.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from expect.api.datasets import Column, Dataset, country_name
from expect.api.filters import IntegerFilter
from expect.api.serializers import path_id
from expect.core import generations
from expect.organisations.api import CollectivityBriefSerializer, ThemeSerializer
from expect.organisations.models import Region, Sdg, Theme

from .models import Mission


def completed_missions() -> QuerySet[Mission]:
    """The completed missions, with what a row shows, the latest return first."""
    return (
        Mission.objects.completed()
        .select_related("collectivity", "request__theme")
        .order_by("-return_date", "-pk")
    )


def country_choices() -> list[tuple[str, str]]:
    return [(country.code, country.name) for country in countries]


class MissionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the mission."))
    country = serializers.CharField(
        source="request.country.code",
        read_only=True,
        help_text=_("Country of the mission (ISO 3166-1 alpha-2 code)."),
    )
    country_name = serializers.CharField(
        source="request.country.name", read_only=True, help_text=_("Name of the country.")
    )
    theme = ThemeSerializer(source="request.theme", read_only=True, help_text=_("Theme."))
    collectivity = CollectivityBriefSerializer(
        read_only=True, help_text=_("The collectivity whose experts went.")
    )
    departure_date = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("Date of departure.")
    )
    return_date = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("Date of return to France.")
    )

    class Meta:
        model = Mission
        fields = [
            "id",
            "country",
            "country_name",
            "theme",
            "collectivity",
            "departure_date",
            "return_date",
        ]


class MissionFilter(django_filters.FilterSet):
    theme = django_filters.ModelChoiceFilter(
        field_name="request__theme",
        queryset=Theme.objects.all(),
        help_text=_("Identifier of a theme."),
    )
    sdg = django_filters.ModelChoiceFilter(
        field_name="request__theme__sdgs",
        queryset=Sdg.objects.all(),
        help_text=_("Number of a sustainable development goal (1 to 17)."),
    )
    country = django_filters.ChoiceFilter(
        field_name="request__country",
        choices=country_choices,
        help_text=_("Country of the mission (ISO 3166-1 alpha-2 code)."),
    )
    region = django_filters.ModelChoiceFilter(
        field_name="collectivity__region",
        queryset=Region.objects.all(),
        help_text=_("INSEE code of the region of the collectivity."),
    )
    collectivity = IntegerFilter(
        field_name="collectivity_id", help_text=_("Identifier of a collectivity.")
    )
    year = IntegerFilter(
        field_name="return_date",
        lookup_expr="year",
        min_value=1900,
        max_value=2200,
        help_text=_("Year of return of the mission."),
    )

    class Meta:
        model = Mission
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary=_("Completed missions"),
        description=_("Missions whose team came back to France."),
    ),
    retrieve=extend_schema(
        summary=_("A completed mission"), parameters=[path_id(_("Identifier of the mission."))]
    ),
)
class MissionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MissionSerializer
    filterset_class = MissionFilter

    def get_queryset(self) -> QuerySet[Mission]:
        return completed_missions()


MISSIONS = Dataset(
    slug="missions",
    title=_("Completed EXPE-CT missions"),
    description=_(
        "The expertise missions whose team came back to France: country, theme, dates "
        "and collectivity. No personal data."
    ),
    generation=generations.CATALOGUE,
    rows=completed_missions,
    columns=(
        Column("id", "integer", _("Identifier of the mission."), lambda o: o.pk, required=True),
        Column(
            "country",
            "string",
            _("Country of the mission (ISO 3166-1 alpha-2 code)."),
            lambda o: o.request.country.code,
            required=True,
        ),
        Column(
            "country_name",
            "string",
            _("Name of the country."),
            lambda o: country_name(o.request.country.code),
        ),
        Column(
            "theme_id",
            "integer",
            _("Identifier of the theme."),
            lambda o: o.request.theme_id,
            required=True,
        ),
        Column(
            "theme_slug",
            "string",
            _("Short name of the theme."),
            lambda o: o.request.theme.slug,
            required=True,
        ),
        Column(
            "theme_name",
            "string",
            _("Name of the theme in French."),
            lambda o: o.request.theme.name,
            required=True,
        ),
        Column(
            "collectivity_id",
            "integer",
            _("Identifier of the collectivity."),
            lambda o: o.collectivity_id,
            required=True,
        ),
        Column(
            "collectivity_name",
            "string",
            _("Name of the collectivity."),
            lambda o: o.collectivity.name,
            required=True,
        ),
        Column("departure_date", "date", _("Date of departure."), lambda o: o.departure_date),
        Column("return_date", "date", _("Date of return to France."), lambda o: o.return_date),
    ),
)
