"""The public side's search at national volume: the library and the catalogue.

Builds (once, idempotent) the volume of the programme at national scale in a
PostgreSQL database of its own: 36,000 collectivities, 5,000 labels in force with
their described expertise, 40,000 missions and 20,000 published reports whose
structured part is 2 to 5 KB of French. Then requests the library and the catalogue
with and without words and filters, as a visitor, and prints for each page: the
time of the request, its number of queries, the time of its SQL (total and slowest
query), the weight of the page; then the plan of a search, which must use the GIN
index of the stored vectors.

    createdb -h 127.0.0.1 -U postgres expect_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/expect_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/search.py --build    # tops the volume up (a few minutes)
    .venv/bin/python bench/search.py            # measures (a few seconds)

The texts are drawn from a fixed seed: two runs measure the same data.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expect.settings")

COLLECTIVITIES, LABELS, MISSIONS, REPORTS = 36_000, 5_000, 40_000, 20_000
RUNS = 5

REGIONS = {
    "84": "Auvergne-Rhône-Alpes",
    "27": "Bourgogne-Franche-Comté",
    "53": "Bretagne",
    "24": "Centre-Val de Loire",
    "94": "Corse",
    "44": "Grand Est",
    "32": "Hauts-de-France",
    "11": "Île-de-France",
    "28": "Normandie",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "52": "Pays de la Loire",
    "93": "Provence-Alpes-Côte d'Azur",
}
PARTNERS = {
    "SN": ["Thiès", "Saint-Louis", "Ziguinchor", "Kaolack", "Dakar-Plateau"],
    "ML": ["Bamako", "Ségou", "Mopti", "Kayes"],
    "BJ": ["Cotonou", "Porto-Novo", "Abomey", "Parakou"],
    "BF": ["Ouagadougou", "Bobo-Dioulasso", "Koudougou"],
    "MG": ["Antananarivo", "Toamasina", "Fianarantsoa"],
    "VN": ["Hué", "Hội An", "Đà Nẵng", "Cần Thơ"],
    "MA": ["Chefchaouen", "Fès", "Essaouira", "Agadir"],
    "TN": ["Sfax", "Sousse", "Kairouan", "Monastir"],
    "CM": ["Douala", "Yaoundé", "Bafoussam"],
    "HT": ["Jacmel", "Cap-Haïtien", "Les Cayes"],
    "LB": ["Byblos", "Tripoli", "Saïda"],
    "AM": ["Gyumri", "Vanadzor", "Erevan"],
    "PS": ["Naplouse", "Jéricho", "Bethléem"],
    "KH": ["Siem Reap", "Battambang", "Kampot"],
    "CO": ["Medellín", "Cartagena", "Bogotá"],
}
FIRST = ["Saint", "Sainte", "Villeneuve", "Mont", "Bourg", "Val", "Port", "Pont", "Fontaine"]
ROOTS = [
    "Étienne", "Jean", "Aubin", "Loup", "Genès", "Hilaire", "Rémy", "Géry", "Médard",
    "Chéron", "Benoît", "Maël", "Hélène", "Thérèse", "Agnès", "Eugénie", "Honoré",
]  # fmt: skip
LAST = ["sur-Loire", "en-Bresse", "lès-Nancy", "le-Château", "des-Prés", "d'Arrée", "du-Var"]
TOPICS = [
    "la gestion des déchets ménagers", "l'eau potable et l'assainissement",
    "le budget participatif", "la gouvernance locale", "la décentralisation fiscale",
    "l'état civil", "le cadastre et le foncier", "la mobilité urbaine",
    "la restauration du patrimoine bâti", "la santé communautaire",
    "l'égalité entre les femmes et les hommes", "l'agriculture périurbaine",
    "la prévention des inondations", "l'éclairage public", "les marchés couverts",
    "la jeunesse et l'emploi", "le tourisme culturel", "la biodiversité des zones humides",
    "la planification urbaine", "les transports scolaires", "la collecte des recettes locales",
]  # fmt: skip
ACTIONS = [
    "Les experts ont accompagné les services techniques de {place} sur {topic}.",
    "Un diagnostic partagé de {topic} a été conduit avec les élus et les agents.",
    "Trois ateliers ont réuni une quarantaine de participants autour de {topic}.",
    "La mission a formé les agents municipaux aux outils de suivi de {topic}.",
    "Les échanges ont porté sur le financement pérenne de {topic} et sur les redevances.",
    "Une visite de terrain a permis d'identifier les priorités de {topic} dans les quartiers.",
    "Le partenaire a présenté son plan d'action ; les experts en ont précisé le calendrier.",
    "Des indicateurs de résultat ont été définis pour mesurer les progrès de {topic}.",
    "La coopération décentralisée entre les deux collectivités s'en trouve renforcée.",
    "Les recommandations portent sur l'organisation des services et la formation continue.",
    "La municipalité de {place} souhaite associer davantage la société civile à {topic}.",
    "Un guide méthodologique sur {topic} sera traduit et diffusé aux communes voisines.",
    "Le comité de pilotage se réunira chaque trimestre pour suivre {topic}.",
    "Les élus ont validé une feuille de route et un budget prévisionnel pour {topic}.",
    "Il est recommandé de mutualiser les équipements et de contractualiser l'entretien.",
    "Les difficultés rencontrées tiennent au manque de données fiables et de personnel.",
]  # fmt: skip


def _text(rng: random.Random, size: int, place: str, topic: str) -> str:
    sentences: list[str] = []
    length = 0
    while length < size:
        other = topic if rng.random() < 0.6 else rng.choice(TOPICS)
        sentence = rng.choice(ACTIONS).format(place=place, topic=other)
        if rng.random() < 0.2:
            sentence += f" ({rng.randint(2, 480)} personnes, {rng.randint(2015, 2026)})"
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


def build() -> None:
    from django.db import transaction

    with transaction.atomic():
        _regions()
        _collectivities()
        _labels()
        _missions()
        _reports()


def _regions() -> None:
    from expect.organisations.models import Region

    for code, name in REGIONS.items():
        Region.objects.get_or_create(code=code, defaults={"name": name})


def _collectivities() -> None:
    from expect.organisations.models import Collectivity, Region
    from expect.organisations.validators import normalise_search

    missing = COLLECTIVITIES - Collectivity.objects.count()
    if missing <= 0:
        return
    rng = random.Random(1)
    regions = list(Region.objects.values_list("code", flat=True))
    start = Collectivity.objects.filter(siren__startswith="8").count()
    kinds = ["commune"] * 16 + ["epci"] * 2 + ["departement", "region"]
    rows = []
    for i in range(start, start + missing):
        name = f"{rng.choice(FIRST)}-{rng.choice(ROOTS)}-{rng.choice(LAST)} {i}"
        rows.append(
            Collectivity(
                kind=rng.choice(kinds),
                name=name,
                search_name=normalise_search(name),
                siren=f"8{i:08d}",
                region_id=rng.choice(regions),
            )
        )
    Collectivity.objects.bulk_create(rows, batch_size=2000)
    print(f"{len(rows)} collectivities")


def _labels() -> None:
    from django.utils import timezone

    from expect.accounts.models import User
    from expect.core.references import fill_references
    from expect.organisations.models import Collectivity, Theme
    from labellisation.models import LABEL_VALIDITY, Label, LabelApplication

    today = timezone.localdate()
    missing = LABELS - Label.objects.valid_on(today).count()
    if missing <= 0:
        return
    rng = random.Random(2)
    themes = list(Theme.objects.all())
    creator = User.objects.filter(is_superuser=True).first() or User.objects.first()
    free = Collectivity.objects.filter(label_applications__isnull=True).order_by("pk")[:missing]
    applications = []
    for collectivity in free:
        topic = rng.choice(TOPICS)
        applications.append(
            LabelApplication(
                collectivity=collectivity,
                theme=rng.choice(themes),
                created_by=creator,
                commitment=True,
                expertise=_text(rng, rng.randint(800, 2500), collectivity.name, topic),
                territory_actions=_text(rng, rng.randint(300, 1200), collectivity.name, topic),
                submitted_at=timezone.now(),
                state=LabelApplication.State.GRANTED,
            )
        )
    LabelApplication.objects.bulk_create(applications, batch_size=1000)
    fill_references(LabelApplication)
    labels = []
    for application in applications:
        granted_on = today - timedelta(days=rng.randint(0, 1000))
        labels.append(
            Label(
                collectivity_id=application.collectivity_id,
                theme_id=application.theme_id,
                application=application,
                granted_on=granted_on,
                valid_until=granted_on + LABEL_VALIDITY,
            )
        )
    Label.objects.bulk_create(labels, batch_size=1000)
    print(f"{len(labels)} labels")


def _missions() -> None:
    from django.utils import timezone

    from expect.core.references import fill_references
    from expect.organisations.models import Embassy
    from labellisation.models import Label
    from missions.models import Mission, MissionProposal, MissionRequest, report_due_date

    missing = MISSIONS - Mission.objects.count()
    if missing <= 0:
        return
    rng = random.Random(3)
    embassy = Embassy.objects.first()
    agent = embassy.agents.first()
    labels = list(Label.objects.values_list("collectivity_id", "theme_id"))
    today = timezone.localdate()
    needs, picked = [], []
    for i in range(missing):
        country = rng.choice(list(PARTNERS))
        city = rng.choice(PARTNERS[country])
        collectivity_id, theme_id = rng.choice(labels)
        picked.append(collectivity_id)
        needs.append(
            MissionRequest(
                embassy=embassy,
                created_by=agent,
                country=country,
                partner_name=f"Commune de {city}",
                partner_kind="municipality",
                partner_place=f"{city} {i}",
                theme_id=theme_id,
                description="Besoin d'appui technique.",
                expected_results="Un plan d'action partagé.",
                period_start=today,
                period_end=today + timedelta(days=90),
                duration_days=7,
                working_language_id="fr",
                state=MissionRequest.State.MISSION,
                submitted_at=timezone.now(),
            )
        )
    MissionRequest.objects.bulk_create(needs, batch_size=2000)
    fill_references(MissionRequest)
    proposals = [
        MissionProposal(
            request=need,
            collectivity_id=collectivity_id,
            state=MissionProposal.State.CONFIRMED,
            response_deadline=today,
            proposed_by=agent,
        )
        for need, collectivity_id in zip(needs, picked, strict=True)
    ]
    MissionProposal.objects.bulk_create(proposals, batch_size=2000)
    missions = []
    for proposal in proposals:
        back = date(2015, 1, 1) + timedelta(days=rng.randint(0, (today - date(2015, 1, 1)).days))
        missions.append(
            Mission(
                request=proposal.request,
                proposal=proposal,
                collectivity_id=proposal.collectivity_id,
                place="Bench",
                departure_date=back - timedelta(days=7),
                return_date=back,
                report_due_on=report_due_date(back),
                state=Mission.State.RETURNED,
            )
        )
    Mission.objects.bulk_create(missions, batch_size=2000)
    fill_references(Mission)
    print(f"{len(missions)} missions")


def _reports() -> None:
    from django.utils import timezone

    from missions.models import Mission
    from reports.models import MissionReport

    missing = REPORTS - MissionReport.objects.published().count()
    if missing <= 0:
        return
    rng = random.Random(4)
    now = timezone.now()
    missions = Mission.objects.filter(place="Bench", report__isnull=True).select_related("request")[
        :missing
    ]
    reports = []
    for mission in missions:
        place, topic = mission.request.partner_name, rng.choice(TOPICS)
        size = rng.randint(2000, 5000)  # the structured part, shared out as experts write it
        reports.append(
            MissionReport(
                mission=mission,
                state=MissionReport.State.ACCEPTED,
                rating=rng.randint(2, 4),
                summary=_text(rng, size * 2 // 10, place, topic),
                activities=_text(rng, size * 3 // 10, place, topic),
                results=_text(rng, size * 2 // 10, place, topic),
                recommendations=_text(rng, size * 15 // 100, place, topic),
                follow_up=_text(rng, size * 5 // 100, place, topic),
                lessons=_text(rng, size // 10, place, topic),
                submitted_at=now,
                evaluated_at=now,
                is_published=True,
                published_at=now - timedelta(minutes=rng.randint(0, 5_000_000)),
            )
        )
    MissionReport.objects.bulk_create(reports, batch_size=500)
    Mission.objects.filter(pk__in=[r.mission_id for r in reports]).update(
        state=Mission.State.CLOSED
    )
    print(f"{len(reports)} published reports")


def _pages() -> list[tuple[str, str, dict]]:
    from expect.organisations.models import Theme

    theme = Theme.objects.get(slug="gouvernance-locale-decentralisation")
    return [
        ("library", "", {}),
        ("library", "q=dechets", {"q": "dechets"}),
        ("library", "q=thies", {"q": "thies"}),
        ("library", "q=Sénégal", {"q": "Sénégal"}),
        ("library", "q=gouvernance", {"q": "gouvernance"}),
        ("library", "q=inondations (common)", {"q": "inondations"}),
        ("library", "q=gestion des déchets ménagers", {"q": "gestion des déchets ménagers"}),
        ("library", "q=eau + theme + country + year", {
            "q": "eau potable", "theme": theme.pk, "country": "SN", "year": "2022"
        }),
        ("library", "q=zzzz (nothing)", {"q": "zzzz"}),
        ("library", "page 50", {"page": "50"}),
        ("catalogue", "", {}),
        ("catalogue", "q=dechets", {"q": "dechets"}),
        ("catalogue", "q=patrimoine bâti + kind", {"q": "patrimoine bâti", "kind": "commune"}),
        ("catalogue", "theme + region", {"theme": theme.pk, "region": "53"}),
    ]  # fmt: skip


def measure() -> None:
    from django.test import Client
    from django.urls import reverse

    from expect.organisations.models import Collectivity
    from labellisation.models import Label
    from missions.models import Mission
    from reports.models import MissionReport

    print(
        f"Volume: {Collectivity.objects.count()} collectivities, "
        f"{Label.objects.valid_on(date.today()).count()} labels in force, "
        f"{Mission.objects.count()} missions, "
        f"{MissionReport.objects.published().count()} published reports"
    )
    client = Client(HTTP_HOST="localhost")
    print("first: menus counted afresh (cache emptied); again: counts from the cache")
    print(
        f"{'page':<40} {'first ms':>8} {'queries':>7} {'SQL ms':>7} {'slowest':>7}"
        f" {'again ms':>8} {'queries':>7} {'SQL ms':>7} {'KB':>6}"
    )
    for view, name, params in _pages():
        url = reverse(f"{'reports' if view == 'library' else 'labellisation'}:{view}")
        client.get(url, params)  # warm the caches of PostgreSQL
        first = _runs(client, url, params, fresh=True)
        again = _runs(client, url, params, fresh=False)
        print(
            f"{view + ' ' + name:<40} {first[0]:>8.0f} {first[1]:>7} {first[2]:>7.1f}"
            f" {first[3]:>7.1f} {again[0]:>8.0f} {again[1]:>7} {again[2]:>7.1f} {first[4]:>6.1f}"
        )


def _runs(client, url: str, params: dict, *, fresh: bool) -> tuple[float, int, float, float, float]:
    """Medians of RUNS requests: wall ms, queries, SQL ms, slowest query ms, page KB."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    walls, sqls, slowest = [], [], []
    for _ in range(RUNS):
        if fresh:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, params)
            walls.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        times = [float(q["time"]) * 1000 for q in queries.captured_queries]
        sqls.append(sum(times))
        slowest.append(max(times))
    return (
        statistics.median(walls),
        len(queries),
        statistics.median(sqls),
        statistics.median(slowest),
        len(response.content) / 1024,
    )


def _explain() -> None:
    """The plans of the page's search, as the views run it (keys, rank and total)."""
    from django.db import connection
    from django.db.models import Count, Window

    from labellisation.models import Label
    from labellisation.search import matching_labels
    from reports.filters import library_reports
    from reports.search import search_reports

    labels = Label.objects.valid_on(date.today())
    cases = []
    for words in ("thies", "Sénégal", "dechets"):
        keys = search_reports(library_reports(), words).values_list("pk", flat=True)
        page = keys.annotate(total=Window(Count("pk"))).values_list("pk", "total")[:20]
        cases.append((f"library, the page of q={words}", page))
    cases.append(("catalogue, the labels of q=dechets", matching_labels(labels, "dechets")))
    for title, queryset in cases:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"\nEXPLAIN ANALYZE, {title}:")
        for line in plan:
            if any(word in line for word in ("Scan", "Index Cond", "Execution Time")):
                print("  " + line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true", help="top the volume up first")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The search is measured on PostgreSQL: set DATABASE_URL.")
    # The pages are rendered without collected static files: their names need no manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if args.build:
        start = time.perf_counter()
        build()
        print(f"Volume built in {time.perf_counter() - start:.0f} s")
    measure()
    _explain()


if __name__ == "__main__":
    main()
