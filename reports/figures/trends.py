"""The programme year by year: labels granted and expired, missions, reports on time.

One grouped query per measure, whatever the number of years and rows. Each measure is
drawn as a small column chart with its numbers printed above the columns, followed by
its table (narrow enough to read on a phone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from labellisation.models import Label

from ..models import MissionReport
from .indicators import Figure, live_missions

# The charts show at most this many years, the latest ones: older years stay in the CSV.
YEARS_SHOWN = 12
CHART_WIDTH = 640
CHART_HEIGHT = 170
PLOT_TOP = 20
PLOT_HEIGHT = 110
COLUMN_GAP = 6


@dataclass(frozen=True)
class Column:
    year: int
    value: int
    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> int:
        return self.x + self.width // 2

    @property
    def value_y(self) -> int:
        return self.y - 4

    @property
    def year_y(self) -> int:
        return PLOT_TOP + PLOT_HEIGHT + 18


@dataclass(frozen=True)
class Series:
    slug: str  # the indicator column of the CSV
    title: str
    values: dict[int, int]

    def columns(self, years: list[int]) -> list[Column]:
        shown = years[-YEARS_SHOWN:]
        width = (CHART_WIDTH - COLUMN_GAP * len(shown)) // max(len(shown), 1)
        highest = max((self.values.get(year, 0) for year in shown), default=0) or 1
        columns = []
        for n, year in enumerate(shown):
            value = self.values.get(year, 0)
            # A zero still shows as a hairline on the axis.
            height = max(1, round(value * PLOT_HEIGHT / highest))
            columns.append(
                Column(
                    year,
                    value,
                    x=n * (width + COLUMN_GAP),
                    y=PLOT_TOP + PLOT_HEIGHT - height,
                    width=width,
                    height=height,
                )
            )
        return columns


@dataclass(frozen=True)
class Trends:
    title: str
    years: list[int]
    series: list[Series]
    chart_width: int = CHART_WIDTH
    chart_height: int = CHART_HEIGHT

    def charts(self) -> list[tuple[Series, list[Column], Figure]]:
        """Each series with its columns and its figure (the table under the chart)."""
        return [
            (series, series.columns(self.years), figure)
            for series, figure in zip(self.series, self.figures(), strict=True)
        ]

    def figures(self) -> list[Figure]:
        """One figure a series, for its table and the CSV: (year, value) rows, oldest first."""
        return [
            Figure(
                series.slug,
                series.title,
                _("Year"),
                series.title,
                [(str(year), series.values.get(year, 0)) for year in self.years],
            )
            for series in self.series
        ]


def _per_year(queryset, field: str, **counts) -> dict[str, dict[int, int]]:
    rows = queryset.annotate(year=ExtractYear(field)).values("year").annotate(**counts).order_by()
    return {name: {row["year"]: row[name] for row in rows if row["year"]} for name in counts}


def trends(today: date) -> Trends:
    labels = Label.objects.unarchived()
    granted = _per_year(labels, "granted_on", n=Count("pk"))["n"]
    # A label expires at the end of its validity; a revoked one ended otherwise.
    lapsed = labels.filter(valid_until__lt=today).exclude(state=Label.State.REVOKED)
    expired = _per_year(lapsed, "valid_until", n=Count("pk"))["n"]
    missions = _per_year(
        live_missions().filter(departure_date__isnull=False), "departure_date", n=Count("pk")
    )["n"]
    reports = _per_year(
        MissionReport.objects.filter(submitted_at__isnull=False),
        "submitted_at",
        on_time=Count("pk", filter=Q(is_late=False)),
        late=Count("pk", filter=Q(is_late=True)),
    )
    series = [
        Series("labels_granted_by_year", _("Labels granted"), granted),
        Series("labels_expired_by_year", _("Labels expired"), expired),
        Series("missions_by_year", _("Missions (by year of departure)"), missions),
        Series("reports_on_time_by_year", _("Reports handed in on time"), reports["on_time"]),
        Series("reports_late_by_year", _("Reports handed in late"), reports["late"]),
    ]
    found = {year for s in series for year in s.values}
    years = list(range(min(found), max(max(found), today.year) + 1)) if found else []
    return Trends(_("Year by year"), years, series)
