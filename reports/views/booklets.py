"""The capitalisation booklet of the library, or of any filter of it, for anyone.

The view never lays out a PDF: it serves the stored booklet when the task has built
it, and otherwise says that it is being prepared (202, with a way to come back),
having queued the task once for all the requests (reports.booklets).
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from expect.core.pages import page_context

from .. import booklets
from ..filters import LibraryFilter
from ..models import Booklet

# Seconds after which a browser may ask again whether the booklet is ready.
RETRY_AFTER = 10


def _page(request: HttpRequest, template: str, status: int, **context) -> HttpResponse:
    library = {"url": reverse("reports:library"), "title": _("Library of mission reports")}
    context.update(page_context(_("Capitalisation booklet"), library))
    return render(request, f"reports/library/{template}", context, status=status)


def _unavailable(
    request: HttpRequest, status: int, text: str, params: dict | None = None
) -> HttpResponse:
    # Back to the library with the same filters, to change them.
    library = booklets.library_url(params or {})
    return _page(
        request, "booklet_unavailable.html", status, code=status, text=text, library_url=library
    )


def _file(booklet: Booklet) -> FileResponse:
    response = FileResponse(
        booklet.file.open("rb"),
        content_type="application/pdf",
        filename=booklet.file_name or "livret-expe-ct.pdf",
    )
    # The same for everyone until the next publication: a shared cache may keep it a while.
    response["Cache-Control"] = "public, max-age=300"
    return response


def _waiting(request: HttpRequest, booklet: Booklet, params: dict) -> HttpResponse:
    response = _page(
        request,
        "booklet_waiting.html",
        202,
        booklet=booklet,
        booklet_url=booklets.url(params),
        retry_after=RETRY_AFTER,
    )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


@require_safe
def booklet(request: HttpRequest) -> HttpResponse:
    # The fast path, for every request after the first: one query, no validation.
    params = booklets.raw_scope(request.GET)
    if (asked := booklets.existing(params)) is not None:
        if asked.state == Booklet.State.READY:
            try:
                return _file(asked)
            except OSError:  # the file is gone from storage
                booklets.rebuild(asked)
        booklets.retry_if_stuck(asked)
        return _waiting(request, asked, params)
    return _first_request(request)


def _first_request(request: HttpRequest) -> HttpResponse:
    filterset = LibraryFilter(request.GET)
    if not filterset.is_valid():
        return _unavailable(request, 400, _("These filters are not valid: choose them again."))
    params = booklets.scope(filterset)
    count = filterset.qs.count()
    if not count:
        return _unavailable(request, 404, _("No published report matches these filters yet."))
    if count > booklets.max_reports():
        text = _(
            "A booklet gathers at most %(max)s reports and these filters choose %(count)s: "
            "narrow them (a theme, a year, a country) to get one."
        ) % {"max": booklets.max_reports(), "count": count}
        return _unavailable(request, 422, text, params)
    wanted = booklets.request_booklet(params, count=count)
    if wanted.state == Booklet.State.READY:
        return _file(wanted)
    return _waiting(request, wanted, params)
