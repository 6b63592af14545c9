"""The programme in figures: a public page with charts and tables, and the same as CSV."""

import csv
import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expect.organisations.models import Region
from labellisation.models import Label
from missions.models import Mission
from reports.models import MissionReport
from tests.labellisation.test_catalogue import labelled
from tests.missions.factories import MissionFactory
from tests.organisations.factories import CollectivityFactory, ThemeFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db

FIGURES = reverse("reports:figures")
FIGURES_CSV = reverse("reports:figures_csv")
TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def figures(client) -> dict[str, dict[str, int]]:
    response = client.get(FIGURES)
    assert response.status_code == 200
    figures = response.context["programme"].all_figures()
    return {figure.slug: dict(figure.rows) for figure in figures}


def csv_rows(client) -> list[list[str]]:
    response = client.get(FIGURES_CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def themes():
    return ThemeFactory(name="Eau", name_en="Water"), ThemeFactory(name="Déchets")


@pytest.fixture
def labels(themes):
    """Three valid labels on "Eau", one on "Déchets" without a region, and lapsed ones."""
    water, waste = themes
    aura = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    brittany = Region.objects.create(code="53", name="Bretagne")
    lyon = CollectivityFactory(region=aura)
    labelled(lyon, water)
    labelled(CollectivityFactory(region=aura), water)
    labelled(CollectivityFactory(region=brittany), water)
    labelled(CollectivityFactory(region=None), waste)
    labelled(lyon, waste, state=Label.State.SUSPENDED)
    labelled(CollectivityFactory(region=brittany), waste, state=Label.State.EXPIRED)
    labelled(
        CollectivityFactory(region=brittany),
        waste,
        granted_on=TODAY - datetime.timedelta(days=1200),
        valid_until=TODAY - datetime.timedelta(days=1),
    )


@pytest.fixture
def missions(themes):
    """Senegal: 3 missions of 2 collectivities; Mali: 3 of 3; Benin: 1; Togo: cancelled."""
    a, b, c = CollectivityFactory(), CollectivityFactory(), CollectivityFactory()
    water, waste = themes
    plan = [
        ("SN", a, water),
        ("SN", a, water),
        ("SN", b, waste),
        ("ML", a, water),
        ("ML", b, water),
        ("ML", c, waste),
        ("BJ", c, waste),
    ]
    for country, collectivity, theme in plan:
        MissionFactory(
            proposal__collectivity=collectivity,
            proposal__request__country=country,
            proposal__request__theme=theme,
        )
    MissionFactory(
        state=Mission.State.CANCELLED,
        proposal__collectivity=a,
        proposal__request__country="TG",
        proposal__request__theme=water,
    )


def test_it_counts_the_labels_valid_today_by_theme_and_region(client, labels):
    shown = figures(client)
    assert shown["labels_by_theme"] == {"Water": 3, "Déchets": 1}
    assert shown["labels_by_region"] == {"Auvergne-Rhône-Alpes": 2, "Bretagne": 1, "No region": 1}


def test_it_counts_the_missions_by_country_and_theme_without_the_cancelled_ones(client, missions):
    shown = figures(client)
    assert shown["missions_by_country"] == {"Senegal": 3, "Mali": 3, "Benin": 1}
    assert shown["missions_by_theme"] == {"Water": 4, "Déchets": 3}


def test_it_names_the_countries_where_few_collectivities_went(client, missions):
    shown = figures(client)
    # Mali saw three distinct collectivities; Togo's only mission was cancelled.
    assert shown["countries_few_collectivities"] == {"Benin": 1, "Senegal": 2}


def test_it_counts_the_reports_handed_in_on_time_and_late(client):
    for is_late in (False, False, True):
        MissionReportFactory(
            state=MissionReport.State.SUBMITTED, submitted_at=timezone.now(), is_late=is_late
        )
    MissionReportFactory()  # a draft, not handed in
    assert figures(client)["reports_on_time"] == {
        "On time": 2,
        "Late": 1,
        "Not handed in yet, overdue": 0,
    }


def test_an_empty_programme_gives_a_page_of_zeros(client):
    shown = figures(client)
    assert shown["reports_on_time"] == {"On time": 0, "Late": 0, "Not handed in yet, overdue": 0}
    assert shown["missions_by_country"] == {}


def test_each_chart_is_an_accessible_svg_with_a_table_of_the_same_figures(client, missions):
    page = client.get(FIGURES).content.decode()
    charts = re.findall(r'<svg class="expect-chart".*?</svg>', page, flags=re.S)
    # Missions by theme, reports, countries with few collectivities; no label yet,
    # hence no bar chart of labels.
    assert len(charts) == 3
    for chart in re.findall(r"<svg[^>]*>.*?</svg>", page, flags=re.S):
        assert 'role="img"' in chart and "aria-label=" in chart and "<title>" in chart
    assert '<th scope="row">Senegal</th><td>3</td>' in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_page_states_the_definition_of_few_authorities(client):
    page = client.get(FIGURES).content.decode()
    assert "at most 2 distinct French local authorities" in page


def test_the_csv_holds_the_same_figures(client, labels, missions):
    rows = csv_rows(client)
    assert rows[0] == ["indicator", "key", "value"]
    assert ["missions_by_country", "Senegal", "3"] in rows
    assert ["countries_few_collectivities", "Benin", "1"] in rows
    assert ["labels_by_region", "Bretagne", "1"] in rows
    assert ["reports_on_time", "Late", "0"] in rows
    page_figures = figures(client)
    from_csv: dict[str, dict[str, int]] = {}
    for indicator, key, value in rows[1:]:
        from_csv.setdefault(indicator, {})[key] = int(value)
    assert from_csv == {slug: rows for slug, rows in page_figures.items() if rows}


def test_the_csv_defuses_spreadsheet_formulas(client):
    labelled(theme=ThemeFactory(name="=HYPERLINK(1)", name_en="=HYPERLINK(1)"))
    rows = csv_rows(client)
    assert ["labels_by_theme", "'=HYPERLINK(1)", "1"] in rows


def _queries_to_compute(client, url: str) -> int:
    cache.clear()  # the figures of a fresh day, or of a new generation
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [FIGURES, FIGURES_CSV])
def test_the_number_of_queries_does_not_grow_with_the_programme(client, url):
    labelled()
    MissionReportFactory(state=MissionReport.State.SUBMITTED, submitted_at=timezone.now())
    small = _queries_to_compute(client, url)
    for n, country in enumerate(("ML", "BJ", "TG", "CM")):
        labelled(
            CollectivityFactory(
                region=Region.objects.get_or_create(code="84", defaults={"name": "AURA"})[0],
                department_code=f"0{n + 1}",
            )
        )
        MissionReportFactory(
            mission=MissionFactory(
                proposal__request__country=country,
                departure_date=TODAY - datetime.timedelta(days=400 * n),
            ),
            state=MissionReport.State.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(days=400 * n),
            is_late=True,
        )
    assert _queries_to_compute(client, url) == small


@pytest.mark.parametrize("url", [FIGURES, FIGURES_CSV])
def test_a_second_visit_is_served_from_the_cache_without_a_query_on_the_record(client, url):
    labelled()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 0


@pytest.mark.parametrize("url", [FIGURES, FIGURES_CSV])
def test_the_figures_refuse_a_post(client, url):
    assert client.post(url).status_code == 405
