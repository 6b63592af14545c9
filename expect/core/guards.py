"""Requests refused before any view, session or form reads them.

- Behind the reverse proxy (BEHIND_PROXY), a request that did not come through it
  (no X-Forwarded-For / X-Forwarded-Proto set by the proxy) is refused: the
  application would otherwise count sign-in attempts for whatever address the
  client wrote, and take plain HTTP for HTTPS.
- A body announced larger than REQUEST_BODY_MAX_SIZE is refused with a 413 page
  before a byte of it is read (Django would stream a file to disk first).
- A NUL or another control character in the path, a parameter name or a value is
  refused with a 400 page: no text of the portal holds one, PostgreSQL refuses NUL
  in text, and a form would only show them back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from ipware import get_client_ip

# C0 controls but tab, line feed and carriage return (a text area sends these), and DEL.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A path holds no control character at all.
CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")
# Paths answered even without the proxy in front: the container's own health check.
DIRECT_PATHS = ("/healthz",)


def _refuse(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    # Drawn before the session and the user are known: an anonymous page.
    request.user = AnonymousUser()
    context = {"status": status, "title": title, "text": text, "messages": []}
    response = render(request, "core/error.html", context, status=status)
    add_never_cache_headers(response)
    return response


def has_control_character(request: HttpRequest) -> bool:
    if CONTROL_IN_PATH.search(request.path_info):
        return True
    queries = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        # (Django drops the unprintable characters of uploaded file names itself.)
        queries.append(request.POST)
    for query in queries:
        for key, values in query.lists():
            if CONTROL_IN_TEXT.search(key) or any(CONTROL_IN_TEXT.search(v) for v in values):
                return True
    return False


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def came_through_the_proxy(request: HttpRequest) -> bool:
    """The proxy sets both headers on every request it passes (deploy/nginx.conf)."""
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry for entry in forwarded_for.split(",") if entry.strip()]
    proto = request.META.get("HTTP_X_FORWARDED_PROTO", "")
    return len(entries) >= settings.TRUSTED_PROXY_HOPS and proto in ("http", "https")


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refusal = self.refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        if (
            settings.BEHIND_PROXY
            and request.path_info not in DIRECT_PATHS
            and not came_through_the_proxy(request)
        ):
            return _refuse(
                request,
                400,
                _("Bad request"),
                _("This service is only reached through its front server. Use its usual address."),
            )
        if declared_length(request) > settings.REQUEST_BODY_MAX_SIZE:
            return _refuse(
                request,
                413,
                _("Request too large"),
                _(
                    "What you sent is larger than the portal accepts (%(max)s at most). "
                    "Send a smaller file."
                )
                % {"max": filesizeformat(settings.MAX_UPLOAD_SIZE)},
            )
        if has_control_character(request):
            return _refuse(
                request,
                400,
                _("Bad request"),
                _(
                    "The address or a field of the form holds an invisible control character "
                    "(such as a NUL byte). Remove it and try again."
                ),
            )
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the person: the one the nearest trusted proxy saw, or the socket's.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For (ours overwrites it: deploy/nginx.conf). Counted from the right,
    entry number TRUSTED_PROXY_HOPS is the client; anything to its left was written by
    the client itself and is never read.
    """
    if not settings.BEHIND_PROXY:
        return request.META.get("REMOTE_ADDR", "")
    ip, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=settings.TRUSTED_PROXY_HOPS - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return ip or ""
