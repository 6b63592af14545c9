"""Fields shared by the serializers of the apps' `api.py`."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from .links import absolute


@extend_schema_field(OpenApiTypes.URI)
class PortalLinkField(serializers.Field):
    """The absolute address of a portal page for the object, or null (`path` returns None)."""

    def __init__(self, path: Callable[[object], str | None], **kwargs) -> None:
        self.path = path
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj) -> str | None:
        path = self.path(obj)
        return absolute(path, self.context.get("request")) if path else None


def path_id(description) -> OpenApiParameter:
    """The `{id}` of an object's address, described (rather than drf-spectacular's
    generic wording)."""
    return OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=description)
