"""Demo organisations: real collectivities of the official list (communes, EPCI,
départements, régions), an association of elected officials, and the embassies of the
ten countries of the demo's needs and missions."""

from __future__ import annotations

import csv
import io

from django.db.models import Q

from expect.core.demo_texts import COUNTRIES

from .management.commands.import_collectivities import COLUMNS  # the official extract's columns
from .models import Collectivity, Embassy, Language, Region
from .taxonomies import seed_taxonomies
from .validators import normalise_search

# Rows of the official list (data/collectivities.csv.gz, same columns), so that the
# demo works before `import_collectivities` and the import then finds them as its own.
DEMO_COLLECTIVITIES = """\
commune,Lyon,,216901231,69123,69,84,519127
commune,Strasbourg,,216704825,67482,67,44,293771
commune,Bordeaux,,213300635,33063,33,75,267991
commune,Nantes,,214401093,44109,44,52,327734
commune,Rennes,,213502388,35238,35,53,230890
commune,Lille,,215903501,59350,59,32,238246
commune,Grenoble,,213801855,38185,38,84,156140
commune,Montpellier,,213401722,34172,34,76,310240
commune,Toulouse,,213105554,31555,31,76,514819
commune,Dijon,,212102313,21231,21,27,161830
commune,Besançon,,212500565,25056,25,27,118489
commune,Rouen,,217605401,76540,76,28,117662
commune,Brest,,212900195,29019,29,53,142346
commune,Poitiers,,218601946,86194,86,75,89916
commune,Limoges,,218708501,87085,87,75,129937
commune,Clermont-Ferrand,,216301135,63113,63,84,146351
commune,Metz,,215704636,57463,57,44,122572
commune,Nancy,,215403957,54395,54,44,103671
commune,Tours,,213702616,37261,37,24,139259
commune,Angers,,214900078,49007,49,52,159022
commune,Chambéry,,217300656,73065,73,84,59964
commune,Villeurbanne,,216902668,69266,69,84,163684
commune,Lorient,,215601212,56121,56,53,58329
commune,Cergy,,219501277,95127,95,11,70906
epci,Métropole de Lyon,MET69,200046977,,69,84,1433613
epci,Grenoble-Alpes-Métropole,METRO,200040715,,38,84,449509
epci,Nantes Métropole,METRO,244400404,,44,52,683981
epci,Bordeaux Métropole,METRO,243300316,,33,75,843738
epci,Rennes Métropole,METRO,243500139,,35,53,473973
epci,Montpellier Méditerranée Métropole,METRO,243400017,,34,76,516657
epci,Métropole Européenne de Lille,METRO,200093201,,59,32,1194040
epci,Brest Métropole,METRO,242900314,,29,53,213403
departement,Gironde,,,33,33,75,1690493
departement,Ille-et-Vilaine,,,35,35,53,1120666
departement,Seine-Saint-Denis,,,93,93,11,1704316
departement,Hérault,,,34,34,76,1230289
departement,Finistère,,,29,29,53,933455
departement,Isère,,,38,38,84,1298990
region,La Réunion,,,04,,04,889679
region,Île-de-France,,,11,,11,12463067
region,Normandie,,,28,,28,3345842
region,Hauts-de-France,,,32,,32,5992194
region,Bretagne,,,53,,53,3449370
region,Nouvelle-Aquitaine,,,75,,75,6150451
region,Occitanie,,,76,,76,6124653
"""
DEMO_ASSOCIATION = ("Association des élus pour la coopération internationale (démo)", "W751000017")
REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
# Working languages of the experts, by the collectivity's position in the list.
LANGUAGE_SETS = [["fr", "en", "es"], ["fr", "en"], ["fr", "en", "ar"], ["fr", "es", "pt"]]
COOPERATION = ["SN", "MA", "TN", "BJ", "MG", "VN", "KH", "AM", "UA", "CO"]


def demo_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(DEMO_COLLECTIVITIES), fieldnames=COLUMNS))


def _natural_key(row: dict[str, str]) -> dict[str, str]:
    # The keys the import upserts on: a commune, département or région by its INSEE
    # code, an EPCI by its SIREN.
    if row["kind"] == Collectivity.Kind.EPCI:
        return {"siren": row["siren"]}
    return {"kind": row["kind"], "insee_code": row["insee_code"]}


def seed_collectivities() -> list[Collectivity]:
    existing = {c.siren or f"{c.kind}:{c.insee_code}": c for c in _existing()}
    created = []
    for position, row in enumerate(demo_rows()):
        key = row["siren"] if row["kind"] == "epci" else f"{row['kind']}:{row['insee_code']}"
        if key in existing or (row["siren"] and row["siren"] in existing):
            continue
        country = COOPERATION[position % len(COOPERATION)]
        created.append(
            Collectivity(
                kind=row["kind"],
                name=row["name"],
                search_name=normalise_search(row["name"]),
                legal_form=row["legal_form"],
                siren=row["siren"] or None,
                insee_code=row["insee_code"] or None,
                department_code=row["department_code"],
                region_id=row["region_code"] or None,
                population=int(row["population"]),
                imported=True,
                international_experience=(
                    f"Coopération décentralisée avec une collectivité du "
                    f"{COUNTRIES[country][0]} depuis {2008 + position % 12}."
                ),
                cooperation_countries=[country],
            )
        )
    Collectivity.objects.bulk_create(created)
    collectivities = list(_existing())
    Through = Collectivity.languages.through
    Through.objects.bulk_create(
        (
            Through(collectivity_id=c.pk, language_id=code)
            for position, c in enumerate(collectivities)
            for code in LANGUAGE_SETS[position % len(LANGUAGE_SETS)]
        ),
        ignore_conflicts=True,
    )
    return collectivities


def _existing():
    keys = Q()
    for row in demo_rows():
        keys |= Q(**_natural_key(row))
    return Collectivity.objects.filter(keys)


def demo_collectivity(name: str, kind: str = "commune") -> Collectivity:
    row = next(r for r in demo_rows() if r["name"] == name and r["kind"] == kind)
    return Collectivity.objects.get(**_natural_key(row))


def seed(stdout) -> None:
    seed_taxonomies()
    Region.objects.bulk_create(
        [Region(code=code, name=name) for code, name in REGIONS.items()], ignore_conflicts=True
    )
    collectivities = seed_collectivities()
    name, rna = DEMO_ASSOCIATION
    Collectivity.objects.get_or_create(
        rna=rna, defaults={"kind": Collectivity.Kind.ELECTED_ASSOCIATION, "name": name}
    )
    for code, (_country, _language, embassy, city, _partners) in COUNTRIES.items():
        countries = ["SN", "GM"] if code == "SN" else [code]
        Embassy.objects.get_or_create(name=embassy, defaults={"countries": countries, "city": city})
    stdout.write(
        f"Organisations: {len(collectivities) + 1} collectivities, {len(COUNTRIES)} embassies."
    )


def scale_collectivity_ids(n: int) -> list[int]:
    """N collectivities for benchmarks: those of the official list first (communes, then
    départements, EPCI, overseas, régions), then generated associations (RNA W99…),
    created once and reused by later runs. The first N are the same whatever N is."""
    official = Collectivity.objects.filter(imported=True).order_by("kind", "insee_code", "siren")
    chosen = list(official.values_list("pk", flat=True)[:n])
    generated = Collectivity.objects.filter(rna__startswith="W99").order_by("rna")
    count = generated.count()
    missing = n - len(chosen) - count
    if missing > 0:
        Collectivity.objects.bulk_create(
            (
                Collectivity(
                    kind=Collectivity.Kind.ASSOCIATION,
                    name=f"Association de démo {i}",
                    search_name=f"association de demo {i}",
                    rna=f"W99{i:07d}",
                )
                for i in range(count, count + missing)
            ),
            batch_size=2000,
        )
    return chosen + list(generated.values_list("pk", flat=True)[: max(n - len(chosen), 0)])


def scale_collectivities(n: int) -> list[Collectivity]:
    return list(Collectivity.objects.filter(pk__in=scale_collectivity_ids(n)).order_by("pk"))


def seed_scale(n: int, stdout) -> None:
    ids = scale_collectivity_ids(n)
    languages = sorted(Language.objects.values_list("code", flat=True))
    Through = Collectivity.languages.through
    Through.objects.bulk_create(
        (
            Through(collectivity_id=pk, language_id=code)
            for pk in ids
            for code in ("fr", languages[pk % len(languages)])
        ),
        ignore_conflicts=True,
        batch_size=5000,
    )
    stdout.write(f"Scale: {len(ids)} collectivities.")
