"""The public library of capitalised reports, open without signing in.

Only published reports (accepted by DAECT, then published) ever leave this module:
every view starts from `MissionReport.objects.published()`, and anything else is a
404, so that nobody learns that an unpublished report exists.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from expect.core.downloads import document_download
from expect.core.pages import page_context
from expect.organisations.models import Theme

from ..filters import LibraryFilter, library_reports
from ..models import MissionReport

LIBRARY_PAGE_SIZE = 20


def _library_link() -> dict:
    return {"url": reverse("reports:library"), "title": _("Library of mission reports")}


def _paginate(queryset: QuerySet, number: str | None) -> Page:
    paginator = Paginator(queryset, LIBRARY_PAGE_SIZE)
    page = paginator.get_page(number)
    # The pagination template links these numbers, with ellipses for long ranges.
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


def _booklet_scope(filterset: LibraryFilter) -> dict:
    """The theme and year chosen in the filters, which a booklet can gather."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return {}
    data = filterset.form.cleaned_data
    scope = {"theme": data.get("theme"), "year": data.get("year")}
    return {key: value for key, value in scope.items() if value not in (None, "")}


def _booklet_link(scope: dict) -> str | None:
    """The booklet of the chosen theme or year, if it has at least one report."""
    if not scope or not booklet_reports(**scope).exists():
        return None
    params = {key: getattr(value, "pk", value) for key, value in scope.items()}
    return f"{reverse('reports:booklet')}?{urlencode(params)}"


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    filterset = LibraryFilter(request.GET or None)
    scope = _booklet_scope(filterset)
    context = {
        "filter": filterset,
        "page_obj": _paginate(filterset.qs, request.GET.get("page")),
        "booklet_scope": scope,
        "booklet_url": _booklet_link(scope),
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


def booklet_reports(*, theme: Theme | None = None, year: int | None = None) -> QuerySet:
    """The published reports of a theme and/or a year, in the order of the missions."""
    reports = library_reports().order_by("mission__return_date", "pk")
    if theme is not None:
        reports = reports.filter(mission__request__theme=theme)
    if year is not None:
        reports = reports.filter(mission__return_date__year=year)
    return reports
