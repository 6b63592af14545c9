"""The public library of capitalised reports, open without signing in.

Only published reports (accepted by DAECT, then published) ever leave this module:
every view starts from `MissionReport.objects.published()`, and anything else is a
404, so that nobody learns that an unpublished report exists.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from expect.core.downloads import document_download
from expect.core.pages import page_context
from expect.core.paging import lean_page
from expect.core.pdf import pdf_response, render_pdf
from expect.organisations.models import Theme

from ..filters import LibraryFilter, library_reports
from ..models import MissionReport
from ..search import add_extracts

LIBRARY_PAGE_SIZE = 20


def _library_link() -> dict:
    return {"url": reverse("reports:library"), "title": _("Library of mission reports")}


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


class BookletForm(forms.Form):
    theme = forms.ModelChoiceField(queryset=Theme.objects.all(), required=False)
    year = forms.IntegerField(min_value=1950, max_value=2100, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and data.get("theme") is None and data.get("year") is None:
            raise forms.ValidationError(_("Choose a theme or a year."))
        return data


def booklet_reports(*, theme: Theme | None = None, year: int | None = None) -> QuerySet:
    """The published reports of a theme and/or a year, in the order of the missions."""
    reports = library_reports().order_by("mission__return_date", "pk")
    if theme is not None:
        reports = reports.filter(mission__request__theme=theme)
    if year is not None:
        reports = reports.filter(mission__return_date__year=year)
    return reports


def _booklet_unavailable(request: HttpRequest, status: int, text: str) -> HttpResponse:
    context = {
        "status": status,
        "text": text,
        **page_context(_("Capitalisation booklet"), _library_link()),
    }
    return render(request, "reports/library/booklet_unavailable.html", context, status=status)


@require_GET
def booklet(request: HttpRequest) -> HttpResponse:
    form = BookletForm(request.GET)
    if not form.is_valid():
        return _booklet_unavailable(
            request, 400, _("A booklet gathers the reports of one theme or one year.")
        )
    theme, year = form.cleaned_data["theme"], form.cleaned_data["year"]
    reports = list(booklet_reports(theme=theme, year=year))
    if not reports:
        return _booklet_unavailable(
            request, 404, _("No published report matches this theme or year yet.")
        )
    context = {"reports": reports, "theme": theme, "year": year, "edited_on": timezone.localdate()}
    pdf = render_pdf("reports/pdf/booklet.html", context, request=request)
    name = "-".join(str(part) for part in (theme and theme.slug, year) if part)
    return pdf_response(pdf, f"livret-expe-ct-{name}")
