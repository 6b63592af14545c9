"""The programme on maps: labelled collectivities by région and by département, missions
by country.

Each map is a `Figure` (its table, and its rows in the CSV) plus the areas to colour:
the outlines are SVG paths already projected (`reports/static/reports/geo/*.svg`, which
the browser fetches once and caches; the page `<use>`s them by id) and their codes,
names and label points are in `reports/geo/maps.json`. Nothing is computed on a
geometry here. The colour of an area says which class of values it falls in; the
legend names the classes, each area's title gives its name and number, the région
map prints its numbers, and the table below every map holds them all: colour is
never the only way to read a figure.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from expect.organisations.models import Region
from labellisation.filters import labelled_collectivities

from .indicators import Figure, missions_by_country

OUTLINES = Path(__file__).resolve().parent.parent / "geo" / "maps.json"
FRANCE_SPRITE = "reports/geo/france.svg"
WORLD_SPRITE = "reports/geo/world.svg"
# At most this many classes of colour besides "none": more would be hard to tell apart.
CLASSES = 4


@cache
def outlines() -> dict:
    """The outlines, read once per process on first use (never at import)."""
    return json.loads(OUTLINES.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    value: int
    ref: str  # the id of its outline in the map's sprite
    level: int


@dataclass(frozen=True)
class Mark:
    """A number printed on the map, at the area's own point."""

    x: int
    y: int
    text: str


@dataclass(frozen=True)
class Frame:
    """The box of an overseas département, under metropolitan France."""

    x: int
    y: int
    size: int
    name: str

    @property
    def label_y(self) -> int:
        return self.y + self.size + 16

    @property
    def label_x(self) -> int:
        return self.x + self.size // 2


@dataclass(frozen=True)
class LegendEntry:
    level: int
    text: str


@dataclass(frozen=True)
class Map:
    figure: Figure
    sprite: str  # the static file of the outlines
    base: str  # the id of the group of all its outlines there, drawn first in "none"
    width: int
    height: int
    areas: list[Area]
    legend: list[LegendEntry]
    marks: tuple[Mark, ...] = ()
    frames: tuple[Frame, ...] = ()

    @property
    def slug(self) -> str:
        return self.figure.slug

    @property
    def coloured(self) -> list[Area]:
        """The areas with a figure: drawn one by one over the base, which shows the rest."""
        return [area for area in self.areas if area.value]

    @property
    def kind(self) -> str:
        """The stylesheet's size for the map: France's (with its overseas boxes) or the world's."""
        return "france" if self.frames else "world"


def class_bounds(highest: int) -> list[int]:
    """The upper bound of each class of colour: one value a class while few, else quarters."""
    if highest <= CLASSES:
        return list(range(1, highest + 1))
    return sorted({math.ceil(highest * n / CLASSES) for n in range(1, CLASSES + 1)})


def level_of(value: int, bounds: list[int]) -> int:
    """0 for none, else the class (1 to 4) of the value."""
    if value <= 0:
        return 0
    return next((n for n, bound in enumerate(bounds, start=1) if value <= bound), 0)


def legend(bounds: list[int]) -> list[LegendEntry]:
    entries = [LegendEntry(0, _("None"))]
    lower = 1
    for level, upper in enumerate(bounds, start=1):
        text = (
            str(upper)
            if lower == upper
            else _("%(low)d to %(high)d") % {"low": lower, "high": upper}
        )
        entries.append(LegendEntry(level, text))
        lower = upper + 1
    return entries


def _areas(
    shapes: list[dict], values: dict[str, int], bounds: list[int], prefix: str
) -> list[Area]:
    return [
        Area(
            code=shape["code"],
            name=shape["name"],
            value=values.get(shape["code"], 0),
            ref=prefix + shape["code"],
            level=level_of(values.get(shape["code"], 0), bounds),
        )
        for shape in shapes
    ]


def _by_value(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(rows, key=lambda row: (-row[1], row[0].casefold()))


def _france_frames() -> tuple[Frame, ...]:
    return tuple(
        Frame(*inset["box"][:3], name=inset["name"]) for inset in outlines()["france"]["insets"]
    )


def collectivities_by_region(today: date) -> Map:
    counts = (
        labelled_collectivities(today)
        .prefetch_related(None)
        .values("region_id", "region__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    values = {row["region_id"]: row["n"] for row in counts if row["region_id"]}
    names = dict(Region.objects.values_list("code", "name"))
    elsewhere = sum(row["n"] for row in counts if not row["region_id"])
    france = outlines()["france"]
    bounds = class_bounds(max(values.values(), default=0))
    shapes = [
        {**region, "name": names.get(region["code"], region["code"])}
        for region in france["regions"]
    ]
    rows = [(names[code], n) for code, n in values.items()]
    figure = Figure(
        "collectivities_by_region",
        _("Labelled collectivities, by région"),
        _("Région"),
        _("Collectivities"),
        _by_value(rows)
        + ([(_("No région (associations, for example)"), elsewhere)] if elsewhere else []),
        note=_("Collectivities holding at least one label valid today."),
    )
    marks = tuple(
        Mark(region["x"], region["y"], str(values[region["code"]]))
        for region in france["regions"]
        if values.get(region["code"])
    )
    return Map(
        figure,
        FRANCE_SPRITE,
        "regions",
        france["width"],
        france["height"],
        _areas(shapes, values, bounds, "r"),
        legend(bounds),
        marks=marks,
        frames=_france_frames(),
    )


def collectivities_by_departement(today: date) -> Map:
    counts = (
        labelled_collectivities(today)
        .prefetch_related(None)
        .exclude(department_code="")
        .values("department_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    values = {row["department_code"]: row["n"] for row in counts}
    france = outlines()["france"]
    names = {shape["code"]: shape["name"] for shape in france["departements"]}
    bounds = class_bounds(max(values.values(), default=0))
    rows = [(f"{names.get(code, code)} ({code})", n) for code, n in values.items()]
    figure = Figure(
        "collectivities_by_departement",
        _("Labelled collectivities, by département"),
        _("Département"),
        _("Collectivities"),
        _by_value(rows),
        note=_(
            "Communes, intercommunalities and départements holding at least one label valid "
            "today; régions and associations have no département."
        ),
    )
    return Map(
        figure,
        FRANCE_SPRITE,
        "departements",
        france["width"],
        france["height"],
        _areas(france["departements"], values, bounds, "d"),
        legend(bounds),
        frames=_france_frames(),
    )


def missions_on_the_world(per_country: list[dict]) -> Map:
    values = {row["request__country"]: row["missions"] for row in per_country}
    world = outlines()["world"]
    bounds = class_bounds(max(values.values(), default=0))
    shapes = [{"code": code, "name": countries.name(code)} for code in world["countries"]]
    missing = sorted(countries.name(code) for code in values if code not in world["countries"])
    figure = missions_by_country(per_country)
    if missing:
        small = ngettext(
            "Too small for the map, in the table only: %(names)s.",
            "Too small for the map, in the table only: %(names)s.",
            len(missing),
        ) % {"names": ", ".join(missing)}
        figure = replace(figure, note=f"{figure.note} {small}")
    return Map(
        figure,
        WORLD_SPRITE,
        "countries",
        world["width"],
        world["height"],
        _areas(shapes, values, bounds, "c"),
        legend(bounds),
    )
