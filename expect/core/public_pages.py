"""The visitors' pages, served from a shared cache until what they show changes.

A page of the public side (the catalogue, the library, the figures…) is the same for
every visitor who is not signed in and reads the same language: it is rendered once,
kept in the cache under the current generation of what it shows
(`expect/core/generations.py`) and served to the next visitors without a query or a
template. A label granted or a report published moves the generation, so the next
visitor gets a fresh page; labels expire by date, so no entry outlives the night.

What must never leak from one visitor to another:
- a signed-in person's page: only requests with no session and no pending message are
  served from or written to the cache, and only plain 200 HTML pages are kept;
- the language: it is part of the key (the visitor's choice, read by
  `FrenchFirstLocaleMiddleware` before this middleware);
- the CSRF token of the language switcher's form: it is taken out of the kept copy
  and each visitor's own token is put back when the page is served.
The security headers (CSP, Permissions-Policy…) are added by their middlewares on
every response, cached or not. Browsers and proxies revalidate every time
(`max-age=0, must-revalidate`) with the page's ETag and get a 304 when it is unchanged,
so a visitor who signs in never sees the anonymous copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from . import generations
from .generations import CATALOGUE, FIGURES, LIBRARY

# Each public page and the kinds of content it shows; a page not listed is never cached.
PAGES: dict[str, tuple[str, ...]] = {
    "core:home": (CATALOGUE, LIBRARY, FIGURES),
    "core:accessibility": (),
    "core:legal": (),
    "core:privacy": (),
    "labellisation:catalogue": (CATALOGUE,),
    "labellisation:collectivity_detail": (CATALOGUE, LIBRARY),
    "labellisation:verify_form": (),
    "labellisation:verify": (CATALOGUE,),
    "reports:library": (LIBRARY,),
    "reports:library_report": (LIBRARY, CATALOGUE),
    "reports:figures": (FIGURES,),
    "api:open_data": (CATALOGUE, LIBRARY, FIGURES),
    "api:docs": (),
}

_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
_PLACEHOLDER = b"\\g<1>__csrf_token__\\g<2>"
_LONGEST_QUERY = 512  # a longer query string is rendered, never kept (no cache flooding)
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Entry:
    content: bytes
    content_type: str
    etag: str

    @property
    def has_token(self) -> bool:
        return b"__csrf_token__" in self.content


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and len(request.META.get("QUERY_STRING", "")) <= _LONGEST_QUERY
        and not request.user.is_authenticated
    )


def _cache_key(request: HttpRequest, view_name: str, depends_on: tuple[str, ...]) -> str:
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    path = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    kinds = ":".join(f"{name}{n}" for name, n in generations.current_many(depends_on).items())
    return f"public-page:{view_name}:{translation.get_language()}:{kinds}:{path}"


def _seconds_to_keep() -> int:
    """The setting's lifetime, cut at the next midnight in Paris (labels expire by date)."""
    now = timezone.now().astimezone(PARIS)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), PARIS)
    return max(1, min(settings.PUBLIC_PAGE_CACHE_SECONDS, int((midnight - now).total_seconds())))


def _keepable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not {"private", "no-store", "no-cache"} & _cache_control(response)
        and not response.has_header("Content-Disposition")
    )


def _cache_control(response: HttpResponse) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _keep(key: str, response: HttpResponse) -> Entry:
    content = _TOKEN.sub(_PLACEHOLDER, response.content)
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    entry = Entry(content=content, content_type=response["Content-Type"], etag=etag)
    cache.set(key, entry, timeout=_seconds_to_keep())
    return entry


def _mark(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ("Cookie",))
    return response


def _serve(request: HttpRequest, entry: Entry) -> HttpResponse:
    if entry.etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        return _mark(HttpResponseNotModified(), entry.etag)
    content = entry.content
    if entry.has_token:
        content = content.replace(b"__csrf_token__", get_token(request).encode())
    response = HttpResponse(content, content_type=entry.content_type)
    response["X-Public-Cache"] = "hit"
    return _mark(response, entry.etag)


class PublicPageCacheMiddleware:
    """Serves the pages of `PAGES` to visitors from the cache, and keeps them there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        key = getattr(request, "_public_page_key", None)
        if key is None or not _keepable(response):
            return response
        entry = _keep(key, response)
        response["X-Public-Cache"] = "miss"
        return _mark(response, entry.etag)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name not in PAGES or not _cacheable_request(request):
            return None
        key = _cache_key(request, view_name, PAGES[view_name])
        entry = cache.get(key)
        if isinstance(entry, Entry):
            return _serve(request, entry)
        request._public_page_key = key
        return None
