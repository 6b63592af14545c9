"""The public library of capitalised reports, open without signing in.

Only published reports (accepted by DAECT, then published) ever leave this module:
every view starts from `MissionReport.objects.published()`, and anything else is a
404, so that nobody learns that an unpublished report exists.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from expect.core.downloads import document_download
from expect.core.pages import page_context
from expect.core.paging import lean_page

from ..filters import LibraryFilter, library_reports
from ..models import MissionReport
from ..search import add_extracts

LIBRARY_PAGE_SIZE = 20


def _library_link() -> dict:
    return {"url": reverse("reports:library"), "title": _("Library of mission reports")}


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    filterset = LibraryFilter(request.GET or None)
    filterset.count_facets()  # the menus offer the values with reports, and their numbers
    page = lean_page(
        filterset.qs,
        request.GET.get("page"),
        LIBRARY_PAGE_SIZE,
        rows=lambda ids: library_reports().filter(pk__in=ids),
    )
    add_extracts(page.object_list, filterset.words)
    context = {
        "filter": filterset,
        "page_obj": page,
        **page_context(_("Library of mission reports")),
    }
    return render(request, "reports/library/library.html", context)


def _published(pk: int) -> MissionReport:
    return get_object_or_404(library_reports(), pk=pk)


@require_GET
def library_report(request: HttpRequest, pk: int) -> HttpResponse:
    reports = library_reports().prefetch_related("mission__request__theme__sdgs")
    report = get_object_or_404(reports, pk=pk)
    context = {"report": report, **page_context(str(report.mission), _library_link())}
    return render(request, "reports/library/report_detail.html", context)


@require_GET
def library_report_file(request: HttpRequest, pk: int) -> HttpResponse:
    report = _published(pk)
    # DAECT chooses to publish the file or only the structured part.
    if not report.publish_file or not report.file:
        raise Http404
    return document_download(
        request,
        report,
        filename=report.file_name or f"rapport-{report.pk}.pdf",
        content_type="application/pdf",
    )
