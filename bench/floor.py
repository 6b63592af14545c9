"""The floor: a page's recorded bytes, served through the portal's middleware alone."""

from __future__ import annotations

import os
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse

_pages: dict[str, bytes] = {}


def floor(request: HttpRequest, name: str) -> HttpResponse:
    """No database, no template: what Django and the middleware cost for these bytes."""
    if name not in _pages:
        path = Path(os.environ["BENCH_FLOOR_DIR"]) / f"{name}.html"
        if not path.is_file():
            raise Http404
        _pages[name] = path.read_bytes()
    return HttpResponse(_pages[name], content_type="text/html; charset=utf-8")
