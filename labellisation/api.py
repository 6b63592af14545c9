"""Labellisation in the public API and the open data: the labels in force and the
labelled collectivities.

"In force" is `Label.objects.valid_on(day)` and "labelled" is `labelled_collectivities`
(labellisation/filters.py), the very rules of the public catalogue: the API, the bulk
files and the catalogue page cannot disagree.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from expect.api.datasets import Column, Dataset, choice_label
from expect.api.filters import IdChoiceFilter, IntegerFilter
from expect.api.links import absolute, object_path
from expect.api.serializers import PortalLinkField, path_id
from expect.core import generations
from expect.organisations.api import (
    CollectivityBriefSerializer,
    CollectivitySerializer,
    ThemeSerializer,
)
from expect.organisations.models import Collectivity, Region, Sdg, Theme

from .filters import CatalogueFilter, labelled_collectivities
from .models import Label


def labels_in_force() -> QuerySet[Label]:
    """The labels valid today, with what a row shows, in a stable order for the pages."""
    return (
        Label.objects.valid_on(timezone.localdate())
        .select_related("collectivity__region", "theme")
        .order_by("-granted_on", "pk")
    )


def _collectivity_page(collectivity: Collectivity) -> str:
    return object_path("labellisation:collectivity_detail", collectivity.pk)


# --- Labels ---------------------------------------------------------------------------------


class LabelSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the label."))
    collectivity = CollectivityBriefSerializer(
        read_only=True, help_text=_("The labelled collectivity.")
    )
    theme = ThemeSerializer(read_only=True, help_text=_("Theme of the labelled expertise."))
    granted_on = serializers.DateField(read_only=True, help_text=_("Date the label was granted."))
    valid_until = serializers.DateField(
        read_only=True, help_text=_("Last day of validity of the label.")
    )
    collectivity_url = PortalLinkField(
        lambda label: _collectivity_page(label.collectivity),
        help_text=_("Public page of the collectivity on the portal."),
    )

    class Meta:
        model = Label
        fields = ["id", "collectivity", "theme", "granted_on", "valid_until", "collectivity_url"]


class LabelFilter(django_filters.FilterSet):
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(), help_text=_("Identifier of a theme.")
    )
    sdg = django_filters.ModelChoiceFilter(
        field_name="theme__sdgs",
        queryset=Sdg.objects.all(),
        help_text=_("Number of a sustainable development goal (1 to 17)."),
    )
    region = django_filters.ModelChoiceFilter(
        field_name="collectivity__region",
        queryset=Region.objects.all(),
        help_text=_("INSEE code of the region of the collectivity."),
    )
    kind = django_filters.ChoiceFilter(
        field_name="collectivity__kind",
        choices=Collectivity.Kind.choices,
        help_text=_("Kind of collectivity."),
    )
    collectivity = IntegerFilter(
        field_name="collectivity_id", help_text=_("Identifier of a collectivity.")
    )
    year = IntegerFilter(
        field_name="granted_on",
        lookup_expr="year",
        min_value=1900,
        max_value=2200,
        help_text=_("Year the label was granted."),
    )

    class Meta:
        model = Label
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary=_("Labels in force"), description=_("Labels valid today.")),
    retrieve=extend_schema(
        summary=_("A label in force"), parameters=[path_id(_("Identifier of the label."))]
    ),
)
class LabelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LabelSerializer
    filterset_class = LabelFilter

    def get_queryset(self) -> QuerySet[Label]:
        return labels_in_force()


# --- Labelled collectivities --------------------------------------------------------------------


class LabelInForceSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the label."))
    theme = ThemeSerializer(read_only=True, help_text=_("Theme of the labelled expertise."))
    granted_on = serializers.DateField(read_only=True, help_text=_("Date the label was granted."))
    valid_until = serializers.DateField(
        read_only=True, help_text=_("Last day of validity of the label.")
    )

    class Meta:
        model = Label
        fields = ["id", "theme", "granted_on", "valid_until"]


class LabelledCollectivitySerializer(CollectivitySerializer):
    labels = LabelInForceSerializer(
        source="valid_labels", many=True, read_only=True, help_text=_("Its labels in force.")
    )
    page_url = PortalLinkField(
        _collectivity_page, help_text=_("Public page of the collectivity on the portal.")
    )

    class Meta(CollectivitySerializer.Meta):
        fields = [*CollectivitySerializer.Meta.fields, "labels", "page_url"]


def labelled_collectivities_today() -> QuerySet[Collectivity]:
    return labelled_collectivities(timezone.localdate()).prefetch_related("languages")


class CollectivityFilter(CatalogueFilter):
    """The catalogue's own filters (words, name, theme, SDG, kind, region, language), with
    the theme and goal typed as identifiers in the OpenAPI document."""

    theme = IdChoiceFilter(label=_("Theme"), queryset=Theme.objects.all())
    sdg = IdChoiceFilter(label=_("Sustainable development goal"), queryset=Sdg.objects.all())


@extend_schema_view(
    list=extend_schema(
        summary=_("Labelled collectivities"),
        description=_("Collectivities holding at least one label valid today."),
    ),
    retrieve=extend_schema(
        summary=_("A labelled collectivity"),
        parameters=[path_id(_("Identifier of the collectivity."))],
    ),
)
class LabelledCollectivityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LabelledCollectivitySerializer
    filterset_class = CollectivityFilter

    def get_queryset(self) -> QuerySet[Collectivity]:
        return labelled_collectivities_today()


# --- Bulk files -------------------------------------------------------------------------------


def _codes(objects) -> str:
    return " ".join(obj.pk for obj in objects)


LABELS = Dataset(
    slug="labels",
    title=_("EXPE-CT labels in force"),
    description=_(
        "The labels of expertise valid on the day of the file: one row per label "
        "(a collectivity and a theme)."
    ),
    generation=generations.CATALOGUE,
    rows=labels_in_force,
    columns=(
        Column("id", "integer", _("Identifier of the label."), lambda o: o.pk, required=True),
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
        Column(
            "collectivity_siren",
            "string",
            _("SIREN number, if it has one."),
            lambda o: o.collectivity.siren,
        ),
        Column(
            "region_code",
            "string",
            _("INSEE code of the region of the collectivity."),
            lambda o: o.collectivity.region_id,
        ),
        Column(
            "theme_id",
            "integer",
            _("Identifier of the theme."),
            lambda o: o.theme_id,
            required=True,
        ),
        Column(
            "theme_slug",
            "string",
            _("Short name of the theme."),
            lambda o: o.theme.slug,
            required=True,
        ),
        Column(
            "theme_name",
            "string",
            _("Name of the theme in French."),
            lambda o: o.theme.name,
            required=True,
        ),
        Column(
            "granted_on",
            "date",
            _("Date the label was granted."),
            lambda o: o.granted_on,
            required=True,
        ),
        Column(
            "valid_until",
            "date",
            _("Last day of validity of the label."),
            lambda o: o.valid_until,
            required=True,
        ),
        Column(
            "collectivity_url",
            "string",
            _("Public page of the collectivity on the portal."),
            lambda o: absolute(_collectivity_page(o.collectivity)),
        ),
    ),
)

COLLECTIVITIES = Dataset(
    slug="collectivities",
    title=_("Collectivities labelled EXPE-CT"),
    description=_(
        "The collectivities holding at least one label valid on the day of the file, "
        "with the themes of those labels. No personal data."
    ),
    generation=generations.CATALOGUE,
    rows=labelled_collectivities_today,
    columns=(
        Column(
            "id", "integer", _("Identifier of the collectivity."), lambda o: o.pk, required=True
        ),
        Column("name", "string", _("Name of the collectivity."), lambda o: o.name, required=True),
        Column("kind", "string", _("Kind of collectivity."), lambda o: o.kind, required=True),
        Column(
            "kind_label",
            "string",
            _("Kind of collectivity, in words."),
            lambda o: choice_label(Collectivity.Kind, o.kind),
        ),
        Column("siren", "string", _("SIREN number, if it has one."), lambda o: o.siren),
        Column("insee_code", "string", _("INSEE code, where it applies."), lambda o: o.insee_code),
        Column(
            "department_code",
            "string",
            _("Code of the département (empty if none)."),
            lambda o: o.department_code,
        ),
        Column("region_code", "string", _("INSEE code of the region."), lambda o: o.region_id),
        Column(
            "region_name",
            "string",
            _("Name of the region."),
            lambda o: o.region.name if o.region else None,
        ),
        Column(
            "languages",
            "string",
            _("Languages spoken by its experts (ISO 639-1 codes, separated by spaces)."),
            lambda o: _codes(o.languages.all()),
        ),
        Column(
            "themes",
            "string",
            _("Short names of the themes of its labels in force, separated by spaces."),
            lambda o: " ".join(label.theme.slug for label in o.valid_labels),
        ),
        Column(
            "page_url",
            "string",
            _("Public page of the collectivity on the portal."),
            lambda o: absolute(_collectivity_page(o)),
        ),
    ),
)
