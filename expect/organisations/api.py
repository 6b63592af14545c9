"""The organisations in the public API: themes, regions and the public side of a
collectivity (never its contacts, never its members).

Which collectivities are listed is the rule of `labellisation` (labelled ones): its
viewset is in `labellisation/api.py`; the shapes are here, where collectivities live.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Collectivity, Region, Theme


class ThemeSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the theme."))
    slug = serializers.CharField(read_only=True, help_text=_("Short name of the theme."))
    name = serializers.CharField(read_only=True, help_text=_("Name of the theme in French."))
    name_en = serializers.CharField(read_only=True, help_text=_("Name of the theme in English."))

    class Meta:
        model = Theme
        fields = ["id", "slug", "name", "name_en"]


class RegionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text=_("INSEE code of the region."))
    name = serializers.CharField(read_only=True, help_text=_("Name of the region."))

    class Meta:
        model = Region
        fields = ["code", "name"]


class CollectivityBriefSerializer(serializers.ModelSerializer):
    """A collectivity named in a label, a mission or a report."""

    id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the collectivity."))
    name = serializers.CharField(read_only=True, help_text=_("Name of the collectivity."))

    class Meta:
        model = Collectivity
        fields = ["id", "name"]


class CollectivitySerializer(serializers.ModelSerializer):
    """What the collectivity's public page shows, with its official identifiers."""

    id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the collectivity."))
    name = serializers.CharField(read_only=True, help_text=_("Name of the collectivity."))
    kind = serializers.ChoiceField(
        choices=Collectivity.Kind.choices, read_only=True, help_text=_("Kind of collectivity.")
    )
    siren = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("SIREN number, if it has one.")
    )
    insee_code = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("INSEE code, where it applies.")
    )
    department_code = serializers.CharField(
        read_only=True, help_text=_("Code of the département (empty if none).")
    )
    region = RegionSerializer(read_only=True, allow_null=True, help_text=_("Region."))
    languages = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text=_("Languages spoken by its experts (ISO 639-1 codes)."),
    )
    international_experience = serializers.CharField(
        read_only=True, help_text=_("Its international experience, as it describes it.")
    )

    class Meta:
        model = Collectivity
        fields = [
            "id",
            "name",
            "kind",
            "siren",
            "insee_code",
            "department_code",
            "region",
            "languages",
            "international_experience",
        ]
