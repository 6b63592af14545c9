"""The programme in figures (/chiffres/) and the same figures as CSV."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..figures import programme_figures
from ..figures.indicators import CHART_WIDTH


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    programme = programme_figures()
    title = _("The programme in figures")
    context = {
        "programme": programme,
        "figures": programme.figures,
        "maps": programme.maps,
        "trends": programme.trends,
        "today": programme.day,
        "chart_width": CHART_WIDTH,
        "title": title,
        "breadcrumb_data": {"links": [], "current": title},
    }
    return render(request, "reports/figures/figures.html", context)


def _safe_cell(text: str) -> str:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def figures_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chiffres-expe-ct.csv"'
    # The byte order mark makes spreadsheets read the file as UTF-8 (accents intact).
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["indicator", "key", "value"])
    for slug, key, value in programme_figures().csv_rows():
        writer.writerow([slug, _safe_cell(key), value])
    return response
