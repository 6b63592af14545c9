"""Filter fields shared by the FilterSets of the apps' `api.py`."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id, a year): "1.5" is refused with a message, not rounded."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """An object chosen by its identifier, for filters the FilterSet applies itself (the
    catalogue's theme and goal), whose type the schema cannot read from a model field."""
