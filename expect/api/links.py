"""Absolute links in what the API and the bulk files give out."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute(path: str, request: HttpRequest | None = None) -> str:
    """The address of `path` on the portal: from the request when there is one (the
    API), from SITE_URL otherwise (the bulk files, made once for every visitor)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path
