"""Demo organisations: real collectivities (taken from the official list when it is
loaded) and two embassies."""

from __future__ import annotations

import random

from .models import Collectivity, Embassy, Language, Region
from .taxonomies import seed_taxonomies

DEMO_COLLECTIVITIES = [
    # kind, name, SIREN, INSEE code, département, region code
    ("commune", "Lyon", "216901231", "69123", "69", "84"),
    ("commune", "Strasbourg", "216704825", "67482", "67", "44"),
    ("commune", "Bordeaux", "213300635", "33063", "33", "75"),
    ("epci", "Métropole de Lyon", "200046977", None, "69", "84"),
]
DEMO_ASSOCIATION = ("Association des élus pour la coopération internationale (démo)", "W751000017")
REGIONS = {"84": "Auvergne-Rhône-Alpes", "44": "Grand Est", "75": "Nouvelle-Aquitaine"}
EMBASSIES = [
    ("Ambassade de France au Sénégal", ["SN", "GM"], "Dakar"),
    ("Ambassade de France au Viêt Nam", ["VN"], "Hanoï"),
]


def seed(stdout) -> None:
    seed_taxonomies()
    for code, name in REGIONS.items():
        Region.objects.get_or_create(code=code, defaults={"name": name})
    for kind, name, siren, insee, department, region in DEMO_COLLECTIVITIES:
        collectivity, _ = Collectivity.objects.get_or_create(
            siren=siren,
            defaults={
                "kind": kind,
                "name": name,
                "insee_code": insee,
                "department_code": department,
                "region_id": region,
            },
        )
        if not collectivity.languages.exists():
            collectivity.languages.set(["fr", "en", "es"])
    name, rna = DEMO_ASSOCIATION
    Collectivity.objects.get_or_create(
        rna=rna, defaults={"kind": Collectivity.Kind.ELECTED_ASSOCIATION, "name": name}
    )
    for name, countries, city in EMBASSIES:
        Embassy.objects.get_or_create(name=name, defaults={"countries": countries, "city": city})
    stdout.write(
        f"Organisations: {len(DEMO_COLLECTIVITIES) + 1} collectivities, {len(EMBASSIES)} embassies."
    )


def scale_collectivities(n: int) -> list[Collectivity]:
    """N collectivities for benchmarks: communes of the official list first, then generated
    associations (RNA W99…), created once and reused by later runs."""
    chosen = list(Collectivity.objects.filter(kind="commune").order_by("insee_code")[:n])
    generated = Collectivity.objects.filter(rna__startswith="W99").order_by("rna")
    missing = n - len(chosen) - generated.count()
    if missing > 0:
        start = generated.count()
        Collectivity.objects.bulk_create(
            Collectivity(
                kind=Collectivity.Kind.ASSOCIATION,
                name=f"Association de démo {i}",
                search_name=f"association de demo {i}",
                rna=f"W99{i:07d}",
            )
            for i in range(start, start + missing)
        )
    return chosen + list(generated[: max(n - len(chosen), 0)])


def seed_scale(n: int, stdout) -> None:
    collectivities = scale_collectivities(n)
    languages = list(Language.objects.values_list("code", flat=True))
    rng = random.Random(n)
    Through = Collectivity.languages.through
    Through.objects.bulk_create(
        (
            Through(collectivity_id=c.pk, language_id=code)
            for c in collectivities
            for code in rng.sample(languages, 2)
        ),
        ignore_conflicts=True,
    )
    stdout.write(f"Scale: {len(collectivities)} collectivities.")
