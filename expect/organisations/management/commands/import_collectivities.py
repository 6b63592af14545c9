"""Loads the official list of French collectivities shipped with the portal.

The list is the extract data/collectivities.csv.gz (see data/README.md); the import reads
no network. It upserts, so it can run again after each new extract: names, codes and
populations follow the list, while what a collectivity entered itself (contacts,
languages, experience...) is kept. Collectivities that left the list (merged communes)
are kept too, since memberships and missions may point at them.
"""

import csv
import gzip
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from expect.organisations.models import Collectivity, Region
from expect.organisations.validators import normalise_search

Kind = Collectivity.Kind

EXTRACT_PATH = Path(__file__).resolve().parents[2] / "data" / "collectivities.csv.gz"
COLUMNS = [
    "kind",
    "name",
    "legal_form",
    "siren",
    "insee_code",
    "department_code",
    "region_code",
    "population",
]
BATCH_SIZE = 1000  # Django lowers it further on SQLite to stay under its parameter limit.

# The fields the official list owns; an upsert overwrites these and nothing else.
LIST_FIELDS = [
    "name",
    "search_name",
    "legal_form",
    "department_code",
    "region",
    "population",
    "imported",
]
# (kinds, fields that find an existing row, fields updated on it). Communes and territories
# keep their INSEE code from year to year, while a commune nouvelle gets a new SIREN; an
# EPCI has no INSEE code. Territories get no SIREN from the list, so one typed in by hand
# must not be wiped.
UPSERTS = [
    ((Kind.COMMUNE,), ["kind", "insee_code"], [*LIST_FIELDS, "siren"]),
    ((Kind.DEPARTEMENT, Kind.REGION, Kind.OVERSEAS), ["kind", "insee_code"], LIST_FIELDS),
    ((Kind.EPCI,), ["siren"], LIST_FIELDS),
]
SUMMARY = [
    (Kind.COMMUNE, "communes"),
    (Kind.EPCI, "EPCI"),
    (Kind.DEPARTEMENT, "départements"),
    (Kind.REGION, "régions"),
    (Kind.OVERSEAS, "collectivités d'outre-mer"),
]


def read_extract(path: Path = EXTRACT_PATH) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as extract:
        return list(csv.DictReader(extract))


def to_collectivity(row: dict[str, str]) -> Collectivity:
    # bulk_create skips Collectivity.save(), which is what usually fills search_name.
    return Collectivity(
        kind=row["kind"],
        name=row["name"],
        search_name=normalise_search(row["name"]),
        legal_form=row["legal_form"],
        siren=row["siren"] or None,
        insee_code=row["insee_code"] or None,
        department_code=row["department_code"],
        region_id=row["region_code"] or None,
        population=int(row["population"]) if row["population"] else None,
        imported=True,
    )


def upsert_regions(rows: list[dict[str, str]]) -> None:
    regions = [Region(code=r["insee_code"], name=r["name"]) for r in rows if r["kind"] == "region"]
    Region.objects.bulk_create(
        regions, update_conflicts=True, unique_fields=["code"], update_fields=["name"]
    )


def adopt_hand_typed_communes(rows: list[dict[str, str]]) -> None:
    """Give its INSEE code to a commune typed in by hand (SIREN but no INSEE code), so that
    the upsert updates it rather than fail on its SIREN, which must stay unique."""
    codes = {r["siren"]: r["insee_code"] for r in rows if r["kind"] == Kind.COMMUNE}
    hand_typed = Collectivity.objects.filter(kind=Kind.COMMUNE, insee_code=None)
    adopted = [commune for commune in hand_typed if commune.siren in codes]
    for commune in adopted:
        commune.insee_code = codes[commune.siren]
    Collectivity.objects.bulk_update(adopted, ["insee_code"])


def upsert_collectivities(rows: list[dict[str, str]]) -> None:
    for kinds, unique_fields, update_fields in UPSERTS:
        Collectivity.objects.bulk_create(
            [to_collectivity(row) for row in rows if row["kind"] in kinds],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )


def spaced(number: int) -> str:
    """34 875, as French writes it."""
    return f"{number:,}".replace(",", " ")


def summary(rows: list[dict[str, str]]) -> str:
    counts = Counter(row["kind"] for row in rows)
    return ", ".join(f"{spaced(counts[kind])} {label}" for kind, label in SUMMARY)


class Command(BaseCommand):
    help = "Loads the official list of French collectivities (communes, EPCI, départements…)."

    def handle(self, *args, **options) -> None:
        rows = read_extract()
        before = Collectivity.objects.count()
        # One transaction: a failed import leaves the previous list whole.
        with transaction.atomic():
            upsert_regions(rows)
            adopt_hand_typed_communes(rows)
            upsert_collectivities(rows)
        added = Collectivity.objects.count() - before
        self.stdout.write(self.style.SUCCESS(f"Imported {summary(rows)} ({spaced(added)} new)."))
