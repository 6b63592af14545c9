"""Builds the extract of the official list of collectivities that the portal ships.

It reads the data/ folder of the npm package @etalab/decoupage-administratif (see
data/README.md) and writes data/collectivities.csv.gz, which import_collectivities loads.
The extract is sorted and gzip'd without a timestamp, so the same package always gives
the same bytes and a new version shows as a real change in git.
"""

import csv
import gzip
import io
import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from .import_collectivities import COLUMNS, EXTRACT_PATH

Row = dict[str, str | int | None]

# Overseas territories with no elected authority of their own (the State runs them), so no
# partner for the programme: Terres australes et antarctiques françaises, Clipperton.
STATE_TERRITORIES = {"984", "989"}


def load(data_dir: Path, name: str) -> list[dict]:
    path = data_dir / name
    if not path.exists():
        raise CommandError(f"{path} is missing: give the data/ folder of the package.")
    return json.loads(path.read_text(encoding="utf-8"))


def majority(values: list[str]) -> str:
    """The most common value, or "" when two values tie for first place."""
    ranked = Counter(values).most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return ""
    return ranked[0][0]


def commune_rows(communes: list[dict]) -> tuple[list[Row], list[dict]]:
    """Rows of the communes with a SIREN, and the communes without one (skipped: the model
    requires a SIREN for a commune; in this data set they are all in the overseas COM)."""
    rows = [
        {
            "kind": "commune",
            "name": c["nom"],
            "siren": c["siren"],
            "insee_code": c["code"],
            "department_code": c["departement"],
            "region_code": c["region"],
            "population": c.get("population"),
        }
        for c in communes
        if c.get("siren")
    ]
    return rows, [c for c in communes if not c.get("siren")]


def epci_rows(epcis: list[dict], communes: dict[str, dict]) -> list[Row]:
    """An EPCI gets the département and region of most of its member communes."""
    rows = []
    for epci in epcis:
        members = [communes[m["code"]] for m in epci["membres"]]
        rows.append(
            {
                "kind": "epci",
                "name": epci["nom"],
                "legal_form": epci["type"],
                "siren": epci["code"],
                "department_code": majority([m["departement"] for m in members]),
                "region_code": majority([m["region"] for m in members]),
                # Municipal population, as for communes, so that both rank alike in searches.
                "population": epci.get("populationMunicipale"),
            }
        )
    return rows


def territory_rows(
    departements: list[dict], regions: list[dict], communes: list[dict]
) -> list[Row]:
    """Départements and regions; the overseas collectivities (zone "com") are listed both as
    départements and as regions, and become one row of kind "overseas" each. A territory's
    population is the sum of its communes'."""
    by_departement = Counter()
    by_region = Counter()
    for c in communes:
        by_departement[c["departement"]] += c.get("population") or 0
        by_region[c["region"]] += c.get("population") or 0
    rows = []
    for d in departements:
        if d["code"] in STATE_TERRITORIES:
            continue
        kind = "overseas" if d["zone"] == "com" else "departement"
        region = d["region"] if kind == "departement" else ""
        population = by_departement[d["code"]] or None
        rows.append(territory(kind, d, d["code"], region, population))
    for r in regions:
        if r["zone"] != "com":
            rows.append(territory("region", r, "", r["code"], by_region[r["code"]] or None))
    return rows


def territory(kind: str, entry: dict, department: str, region: str, population: int | None) -> Row:
    return {
        "kind": kind,
        "name": entry["nom"],
        "insee_code": entry["code"],
        "department_code": department,
        "region_code": region,
        "population": population,
    }


def write_extract(rows: list[Row], path: Path) -> None:
    rows = sorted(rows, key=lambda r: (r["kind"], r.get("insee_code") or "", r.get("siren") or ""))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # No file name and mtime=0 in the gzip header: the same rows give the same bytes.
    with path.open("wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as extract:
        extract.write(text.getvalue().encode("utf-8"))


class Command(BaseCommand):
    help = "Builds data/collectivities.csv.gz from the package @etalab/decoupage-administratif."

    def add_arguments(self, parser) -> None:
        parser.add_argument("data_dir", type=Path, help="the package's data/ folder")
        parser.add_argument("--output", type=Path, default=EXTRACT_PATH)

    def handle(self, *args, data_dir: Path, output: Path, **options) -> None:
        everything = load(data_dir, "communes.json")
        communes = [c for c in everything if c["type"] == "commune-actuelle"]
        rows, without_siren = commune_rows(communes)
        by_code = {c["code"]: c for c in communes}
        rows += epci_rows(load(data_dir, "epci.json"), by_code)
        departements, regions = load(data_dir, "departements.json"), load(data_dir, "regions.json")
        rows += territory_rows(departements, regions, communes)
        write_extract(rows, output)
        kinds = Counter(row["kind"] for row in rows)
        skipped = Counter(c["departement"] for c in without_siren)
        self.stdout.write(f"Wrote {output} ({output.stat().st_size:,} bytes): {dict(kinds)}.")
        self.stdout.write(f"Skipped {len(without_siren)} communes without SIREN: {dict(skipped)}.")
