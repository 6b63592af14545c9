"""The capitalisation booklet: the published reports of any filter of the library in one PDF.

What it holds. How it is built (by a task, once, into storage) is test_booklet_task.py.
"""

import datetime
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from expect.core import generations
from reports.models import MissionReport
from tests.core.test_pdf import assert_real_pdf, pdf_text
from tests.organisations.factories import CollectivityFactory, ThemeFactory
from tests.reports.factories import MissionReportFactory
from tests.reports.test_library import NOT_PUBLISHED, mission, published

pytestmark = pytest.mark.django_db

BOOKLET = reverse("reports:booklet")


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def get(client, queued):
    """The booklet as a visitor gets it once the worker has built it."""

    def get(params=None):
        response = client.get(BOOKLET, params or {})
        if response.status_code != 202:
            return response
        queued.run()
        response = client.get(BOOKLET, params or {})
        # The stored file is streamed: read it once, for the assertions to read it again.
        response.pdf = response.getvalue() if response.streaming else response.content
        return response

    return get


def body(response) -> bytes:
    return response.pdf


def pages(response) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(body(response))).pages]


def booklet_text(response) -> str:
    return pdf_text(body(response))


def test_it_gathers_the_published_reports_of_a_theme(get):
    theme = ThemeFactory(name_en="Local public services")
    first = published(
        "Régie de l’eau potable.",
        theme=theme,
        year=2023,
        country="ML",
        collectivity=CollectivityFactory(name="Villeurbanne"),
        results="Un plan d’investissement adopté.",
        recommendations="Créer un budget annexe.",
        lessons="Former les agents avant la mission.",
    )
    published(
        "Collecte des déchets.",
        theme=theme,
        year=2024,
        collectivity=CollectivityFactory(name="Brest"),
    )
    published("Autre thème.", collectivity=CollectivityFactory(name="Elsewhere"))
    response = get({"theme": theme.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_real_pdf(body(response))
    text = booklet_text(response)
    for expected in (
        "Villeurbanne",
        "Mali",
        "Régie de l’eau potable.",
        "Un plan d’investissement adopté.",
        "Créer un budget annexe.",
        "Former les agents avant la mission.",
        first.mission.departure_date.strftime("%d/%m/%Y"),
        first.mission.return_date.strftime("%d/%m/%Y"),
        "Brest",
        "Collecte des déchets.",
    ):
        assert expected in text
    assert "Elsewhere" not in text
    assert "Autre thème." not in text


def test_it_has_a_cover_a_table_of_contents_and_a_page_per_report(get):
    theme = ThemeFactory(name_en="Local public services")
    published(theme=theme, year=2023, collectivity=CollectivityFactory(name="Villeurbanne"))
    published(theme=theme, year=2024, collectivity=CollectivityFactory(name="Brest"))
    cover, contents, *reports = pages(get({"theme": theme.pk}))
    assert "Local public services" in cover
    assert "2 mission reports" in cover
    assert datetime.date.today().strftime("%d/%m/%Y") in cover
    # The contents give the page where each report starts (cover 1, contents 2).
    assert re.search(r"Villeurbanne.* — Senegal \(2023\)[ .]*3\b", contents)
    assert re.search(r"Brest.* — Senegal \(2024\)[ .]*4\b", contents)
    assert len(reports) == 2
    assert "Villeurbanne" in reports[0] and "Brest" in reports[1]


def test_it_gathers_the_published_reports_of_a_year(get):
    published("Rapport de 2023.", year=2023)
    published("Rapport de 2024.", year=2024)
    response = get({"year": "2023"})
    assert response.status_code == 200
    cover, *_rest = pages(response)
    assert "2023" in cover and "1 mission report" in cover
    text = booklet_text(response)
    assert "Rapport de 2023." in text
    assert "Rapport de 2024." not in text
    assert "2023" in response["Content-Disposition"]


def test_theme_and_year_combine(get):
    theme = ThemeFactory()
    published("Le bon.", theme=theme, year=2023)
    published("Autre année.", theme=theme, year=2024)
    published("Autre thème.", year=2023)
    text = booklet_text(get({"theme": theme.pk, "year": 2023}))
    assert "Le bon." in text
    assert "Autre année." not in text and "Autre thème." not in text


@pytest.mark.parametrize("lapse", NOT_PUBLISHED.values(), ids=NOT_PUBLISHED.keys())
def test_it_never_contains_a_report_that_is_not_published(get, lapse):
    theme = ThemeFactory()
    published("Publié.", theme=theme)
    MissionReportFactory(mission=mission(theme=theme), summary="Pas publié.", **lapse)
    text = booklet_text(get({"theme": theme.pk}))
    assert "Publié." in text
    assert "Pas publié." not in text


@pytest.mark.parametrize("lapse", NOT_PUBLISHED.values(), ids=NOT_PUBLISHED.keys())
def test_a_booklet_without_a_published_report_is_a_clear_404(get, lapse):
    theme = ThemeFactory()
    MissionReportFactory(mission=mission(theme=theme), **lapse)
    response = get({"theme": theme.pk})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert reverse("reports:library") in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"year": "deux mille"},
        {"year": "2023.5"},
        {"year": "99999999999999999999"},
        {"year": "-1"},
        {"year": "\x00"},
        {"theme": "abc"},
        {"theme": "\x00"},
        {"theme": "999999"},
        {"country": "XX"},
        {"q": "x" * 201},
    ],
)
def test_bad_parameters_are_refused_without_an_error(client, get, params):
    published(year=2023)
    response = get(params)
    assert response.status_code in (400, 404)
    if not any("\x00" in value for value in params.values()):  # else the guard's 400 page
        assert reverse("reports:library") in response.content.decode()


def test_it_gathers_the_whole_library_without_a_filter(get):
    published("Rapport de 2023.", year=2023)
    published("Rapport de 2024.", year=2024, country="ML")
    response = get()
    cover, *_rest = pages(response)
    assert "The whole library" in cover and "2 mission reports" in cover
    text = booklet_text(response)
    assert "Rapport de 2023." in text and "Rapport de 2024." in text


def test_any_filter_of_the_library_makes_a_booklet(get):
    published("Au Mali.", country="ML", year=2023)
    published("Au Sénégal.", country="SN", year=2023)
    response = get({"country": "ML", "q": "  "})
    cover, *_rest = pages(response)
    assert "Mali" in cover
    text = booklet_text(response)
    assert "Au Mali." in text and "Au Sénégal." not in text


def test_it_holds_every_section_and_the_partner_authority(get):
    published(
        "Le résumé.",
        activities="Des ateliers avec les agents.",
        results="Un plan adopté.",
        recommendations="Créer un budget annexe.",
        follow_up="Une seconde mission en 2025.",
        lessons="Former les agents avant.",
        year=2023,
    )
    report = MissionReport.objects.get()
    request = report.mission.request
    request.partner_name, request.partner_place = "Commune de Ziguinchor", "Casamance"
    request.save(update_fields=["partner_name", "partner_place"])
    text = booklet_text(get())
    for expected in (
        "Le résumé.",
        "Activities",
        "Des ateliers avec les agents.",
        "Un plan adopté.",
        "Créer un budget annexe.",
        "Follow-up proposed",
        "Une seconde mission en 2025.",
        "Former les agents avant.",
        "Commune de Ziguinchor — Casamance",
    ):
        assert expected in text


def test_the_number_of_queries_does_not_grow_with_the_reports(get):
    theme = ThemeFactory()
    published(theme=theme)
    with CaptureQueriesContext(connection) as one:
        assert get({"theme": theme.pk}).status_code == 200
    for _ in range(4):
        published(theme=theme)
    generations.bump_now(generations.LIBRARY)  # as publishing does: a new booklet
    with CaptureQueriesContext(connection) as five:
        assert get({"theme": theme.pk}).status_code == 200
    assert len(five) == len(one)
    assert MissionReport.objects.published().count() == 5


def test_the_booklet_refuses_a_post(client):
    assert client.post(BOOKLET, {"year": 2023}).status_code == 405
