"""Absolute links in what the API and the bulk files give out."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

_PLACEHOLDER = 987654321


def absolute(path: str, request: HttpRequest | None = None) -> str:
    """The address of `path` on the portal: from the request when there is one (the
    API), from SITE_URL otherwise (the bulk files, made once for every visitor)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path


@cache
def _template(name: str) -> tuple[str, str]:
    return tuple(reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER), 1))


def object_path(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a URL taking one id, without resolving it again for
    each of the tens of thousands of rows of a bulk file."""
    before, after = _template(name)
    return f"{before}{pk}{after}"
