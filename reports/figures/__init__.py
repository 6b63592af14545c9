"""The programme in figures: bar charts, maps and year-by-year trends, all public counts.

Everything is computed from grouped queries and kept in the cache under the FIGURES
generation (`expect.core.generations`) and the day: a recorded step that changes a
figure moves the generation, and the day's key lapses at midnight in Paris, when labels
expire by date. The page, the maps and the CSV read the same cached object, so they
always agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from expect.core import generations

from .indicators import Figure, bar_figures, missions_per_country
from .maps import (
    Map,
    collectivities_by_departement,
    collectivities_by_region,
    missions_on_the_world,
)
from .trends import Trends, trends


@dataclass(frozen=True)
class ProgrammeFigures:
    day: date
    figures: list[Figure]
    maps: list[Map]
    trends: Trends

    def all_figures(self) -> list[Figure]:
        """Every figure of the page, in its order: what the CSV holds."""
        return [*(m.figure for m in self.maps), *self.figures, *self.trends.figures()]

    def csv_rows(self) -> Iterator[tuple[str, str, int]]:
        for figure in self.all_figures():
            for key, value in figure.rows:
                yield figure.slug, key, value


def compute(today: date) -> ProgrammeFigures:
    per_country = missions_per_country()
    return ProgrammeFigures(
        day=today,
        figures=bar_figures(today, per_country),
        maps=[
            collectivities_by_region(today),
            collectivities_by_departement(today),
            missions_on_the_world(per_country),
        ],
        trends=trends(today),
    )


def _seconds_to_midnight() -> int:
    now = timezone.localtime()
    midnight = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time.min))
    return max(1, int((midnight - now).total_seconds()))


def programme_figures() -> ProgrammeFigures:
    """Today's figures in the current language, from the cache when they are there."""
    today = timezone.localdate()
    key = generations.key(generations.FIGURES, "programme", today.isoformat(), get_language())
    found = cache.get(key)
    if found is None:
        found = compute(today)
        cache.set(key, found, timeout=_seconds_to_midnight())
    return found
