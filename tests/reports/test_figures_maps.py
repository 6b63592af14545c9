"""The programme on maps and year by year: labelled collectivities by région and
département, missions by country, labels, missions and reports per year; all cached."""

import csv
import datetime
import gzip
import re
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from expect.core import generations
from expect.organisations.models import Collectivity, Region
from labellisation.models import Label
from reports.figures import maps, programme_figures
from reports.models import MissionReport
from tests.labellisation.test_catalogue import labelled
from tests.missions.factories import MissionFactory
from tests.organisations.factories import CollectivityFactory, ThemeFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db

FIGURES = reverse("reports:figures")
TODAY = datetime.date.today()
COLLECTIVITIES = Path("expect/organisations/data/collectivities.csv.gz")


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def shown_map(client, slug: str) -> maps.Map:
    response = client.get(FIGURES)
    return next(m for m in response.context["maps"] if m.slug == slug)


def area(shown: maps.Map, code: str) -> maps.Area:
    return next(a for a in shown.areas if a.code == code)


@pytest.fixture
def aura():
    return Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")


def test_it_counts_each_labelled_collectivity_once_in_its_region(client, aura):
    lyon = CollectivityFactory(region=aura, department_code="69")
    labelled(lyon)
    labelled(lyon)  # a second theme: still one collectivity
    labelled(CollectivityFactory(region=aura, department_code="38"))
    labelled(CollectivityFactory(region=None, department_code=""))
    labelled(CollectivityFactory(region=aura), state=Label.State.EXPIRED)
    shown = shown_map(client, "collectivities_by_region")
    assert dict(shown.figure.rows) == {
        "Auvergne-Rhône-Alpes": 2,
        "No région (associations, for example)": 1,
    }
    assert area(shown, "84").value == 2 and area(shown, "84").level > 0
    assert area(shown, "53").level == 0
    # The number is printed on the région, not carried by the colour alone.
    assert [mark.text for mark in shown.marks] == ["2"]


def test_it_counts_the_labelled_collectivities_by_departement_with_their_insee_codes(client):
    labelled(CollectivityFactory(department_code="69"))
    labelled(CollectivityFactory(department_code="2A"))
    labelled(CollectivityFactory(department_code="974"))
    shown = shown_map(client, "collectivities_by_departement")
    assert dict(shown.figure.rows) == {
        "Rhône (69)": 1,
        "Corse-du-Sud (2A)": 1,
        "La Réunion (974)": 1,
    }
    assert {a.code for a in shown.areas if a.value} == {"69", "2A", "974"}
    assert [frame.name for frame in shown.frames] == [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    ]


def test_the_outlines_carry_the_codes_of_the_official_list():
    with gzip.open(COLLECTIVITIES, "rt", encoding="utf-8") as extract:
        rows = list(csv.DictReader(extract))
    departements = {r["insee_code"] for r in rows if r["kind"] == "departement"}
    regions = {r["insee_code"] for r in rows if r["kind"] == "region"}
    france = maps.outlines()["france"]
    assert {d["code"] for d in france["departements"]} == departements
    assert {r["code"] for r in france["regions"]} == regions


def test_every_area_has_its_outline_in_the_sprite_the_map_uses():
    static = Path("reports/static")
    for kind, shown, prefix in (
        ("france", [*maps.outlines()["france"]["departements"]], "d"),
        ("france", maps.outlines()["france"]["regions"], "r"),
        ("world", [{"code": code} for code in maps.outlines()["world"]["countries"]], "c"),
    ):
        sprite = (static / f"reports/geo/{kind}.svg").read_text(encoding="utf-8")
        ids = set(re.findall(r'id="([^"]+)"', sprite))
        assert {prefix + area["code"] for area in shown} <= ids


def test_it_colours_the_countries_of_the_missions_on_the_world_map(client):
    for country in ("SN", "SN", "ML"):
        MissionFactory(proposal__request__country=country)
    shown = shown_map(client, "missions_by_country")
    assert dict(shown.figure.rows) == {"Senegal": 2, "Mali": 1}
    assert area(shown, "SN").level > area(shown, "ML").level > area(shown, "BR").level == 0


def test_a_country_too_small_for_the_map_is_named_under_it(client):
    MissionFactory(proposal__request__country="MU")
    shown = shown_map(client, "missions_by_country")
    assert "MU" not in {a.code for a in shown.areas}
    assert "in the table only: Mauritius" in shown.figure.note
    assert dict(shown.figure.rows) == {"Mauritius": 1}


@pytest.mark.parametrize(
    ("highest", "bounds"),
    [(0, []), (1, [1]), (3, [1, 2, 3]), (4, [1, 2, 3, 4]), (10, [3, 5, 8, 10])],
)
def test_the_classes_of_colour_follow_the_highest_value(highest, bounds):
    assert maps.class_bounds(highest) == bounds


def test_the_legend_names_every_class():
    with translation.override("en"):
        texts = [entry.text for entry in maps.legend([3, 5, 8, 10])]
    assert texts == ["None", "1 to 3", "4 to 5", "6 to 8", "9 to 10"]


def test_each_map_has_a_legend_a_title_per_area_and_a_table(client, aura):
    labelled(CollectivityFactory(region=aura, department_code="38"))
    MissionFactory(proposal__request__country="SN")
    page = client.get(FIGURES).content.decode()
    assert len(re.findall(r'<svg class="expect-map ', page)) == 3
    assert page.count('class="expect-map__legend"') == 3
    assert "<title>Isère — 1</title>" in page
    assert '<th scope="row">Senegal</th><td>1</td>' in page


def test_the_page_with_its_maps_stays_under_100_kb(client, aura):
    labelled(CollectivityFactory(region=aura, department_code="69"))
    assert len(client.get(FIGURES).content) < 100_000


# Year by year


def _series(client) -> dict[str, dict[int, int]]:
    trends = client.get(FIGURES).context["trends"]
    return {s.slug: {year: s.values.get(year, 0) for year in trends.years} for s in trends.series}


def test_it_counts_the_labels_granted_and_expired_by_year(client):
    year = TODAY.year
    labelled(granted_on=datetime.date(year - 4, 3, 1), valid_until=datetime.date(year - 1, 3, 1))
    labelled(granted_on=datetime.date(year - 1, 5, 1), valid_until=datetime.date(year + 2, 5, 1))
    labelled(
        granted_on=datetime.date(year - 4, 6, 1),
        valid_until=datetime.date(year - 1, 6, 1),
        state=Label.State.REVOKED,
    )
    shown = _series(client)
    assert shown["labels_granted_by_year"][year - 4] == 2
    assert shown["labels_granted_by_year"][year - 1] == 1
    # The revoked label ended otherwise than by expiry.
    assert shown["labels_expired_by_year"][year - 1] == 1
    assert sorted(shown["labels_granted_by_year"]) == list(range(year - 4, year + 1))


def test_it_counts_the_missions_by_year_of_departure_and_the_reports_on_time_and_late(client):
    last_year = TODAY.replace(year=TODAY.year - 1, day=1)
    MissionFactory(departure_date=last_year, return_date=last_year)
    for is_late in (False, True, True):
        MissionReportFactory(
            state=MissionReport.State.SUBMITTED, submitted_at=timezone.now(), is_late=is_late
        )
    shown = _series(client)
    assert shown["missions_by_year"][last_year.year] == 1
    assert shown["reports_on_time_by_year"][TODAY.year] == 1
    assert shown["reports_late_by_year"][TODAY.year] == 2


def test_the_csv_holds_the_maps_and_the_years_too(client, aura):
    labelled(CollectivityFactory(region=aura, department_code="69"))
    rows = client.get(reverse("reports:figures_csv")).content.decode("utf-8-sig").splitlines()
    assert "collectivities_by_region;Auvergne-Rhône-Alpes;1" in rows
    assert "collectivities_by_departement;Rhône (69);1" in rows
    assert f"labels_granted_by_year;{TODAY.year};1" in rows


# Cached, and fresh when it must be


def _labelled_count() -> list[int]:
    return [n for _key, n in programme_figures().maps[0].figure.rows]


def test_the_figures_are_cached_until_the_generation_moves(client):
    labelled()
    assert _labelled_count() == [1]
    labelled()
    assert _labelled_count() == [1]
    generations.bump_now(generations.FIGURES)
    assert _labelled_count() == [2]


def test_the_figures_of_a_new_day_are_computed_afresh(client):
    label = labelled(valid_until=TODAY + datetime.timedelta(days=1))
    assert programme_figures().day == TODAY
    with time_machine.travel(timezone.localtime() + datetime.timedelta(days=2)):
        figures = programme_figures()
    assert figures.day == TODAY + datetime.timedelta(days=2)
    assert figures.maps[0].figure.rows == []
    assert Collectivity.objects.filter(pk=label.collectivity_id).exists()


def test_the_page_stays_under_100_kb_with_every_departement_and_sixty_countries(client):
    france = maps.outlines()["france"]
    regions = {
        r["code"]: Region.objects.create(code=r["code"], name=f"Région {r['code']}")
        for r in france["regions"]
    }
    themes = [ThemeFactory() for _n in range(13)]
    for n, departement in enumerate(france["departements"]):
        collectivity = CollectivityFactory(
            region=regions[departement["region"]], department_code=departement["code"]
        )
        labelled(collectivity, themes[n % 13], granted_on=TODAY - datetime.timedelta(days=30 * n))
    for n, country in enumerate(list(maps.outlines()["world"]["countries"])[:60]):
        MissionFactory(
            proposal__request__country=country,
            proposal__request__theme=themes[n % 13],
            departure_date=TODAY - datetime.timedelta(days=70 * n),
        )
    assert len(client.get(FIGURES).content) < 100_000
