"""The public library of published reports: the list, the search, a report's page, its file.

Run on SQLite (the word-by-word fallback) and on PostgreSQL (French full-text search):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/expect .venv/bin/pytest tests/reports
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from expect.core.guards import CONTROL_IN_TEXT
from expect.organisations.models import Theme
from missions.models import Mission
from reports.models import MissionReport
from reports.search import search_reports
from tests.labellisation.factories import MINIMAL_PDF
from tests.missions.factories import MissionFactory
from tests.organisations.factories import CollectivityFactory, ThemeFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db

LIBRARY = reverse("reports:library")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="French full-text search needs PostgreSQL"
)


@pytest.fixture(autouse=True)
def english(client, settings):
    # English pages keep the assertions true once the French catalogue is translated.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _fresh_counts():
    # The menus' counts are cached per generation; factories record no step that moves it.
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def mission(*, theme=None, country="SN", year=None, collectivity=None) -> Mission:
    kwargs = {"state": Mission.State.CLOSED, "proposal__request__country": country}
    if theme is not None:
        kwargs["proposal__request__theme"] = theme
    if collectivity is not None:
        kwargs["proposal__collectivity"] = collectivity
    if year is not None:
        kwargs["departure_date"] = datetime.date(year, 3, 1)
        kwargs["return_date"] = datetime.date(year, 3, 10)
    return MissionFactory(**kwargs)


def published(summary: str = "Appui au budget participatif.", **kwargs) -> MissionReport:
    """An accepted report published by DAECT (structured part only unless told)."""
    mission_kwargs = {
        k: kwargs.pop(k) for k in ("theme", "country", "year", "collectivity") if k in kwargs
    }
    return MissionReportFactory(
        mission=mission(**mission_kwargs),
        summary=summary,
        state=MissionReport.State.ACCEPTED,
        submitted_at=timezone.now(),
        is_published=True,
        published_at=timezone.now(),
        **kwargs,
    )


NOT_PUBLISHED = {
    "draft": {"state": MissionReport.State.DRAFT},
    "submitted": {"state": MissionReport.State.SUBMITTED},
    "revision requested": {"state": MissionReport.State.REVISION_REQUESTED},
    "accepted, not published": {"state": MissionReport.State.ACCEPTED},
}


def unpublished(lapse: dict, **kwargs) -> MissionReport:
    return MissionReportFactory(summary="Appui au budget participatif.", **lapse, **kwargs)


def offered(response, menu: str) -> list[str]:
    """The values of a filter's menu, as the page offers them."""
    return [value for value, _label in response.context["filter"].form[menu].field.widget.choices]


def shown(response) -> list[int]:
    return [report.pk for report in response.context["page_obj"].object_list]


def test_it_lists_a_published_report(client):
    report = published(collectivity=CollectivityFactory(name="Villeurbanne"))
    response = client.get(LIBRARY)
    assert response.status_code == 200
    assert shown(response) == [report.pk]
    page = response.content.decode()
    assert "Villeurbanne" in page
    assert reverse("reports:library_report", args=[report.pk]) in page
    assert "1 published report" in page


@pytest.mark.parametrize("lapse", NOT_PUBLISHED.values(), ids=NOT_PUBLISHED.keys())
def test_it_never_lists_a_report_that_is_not_published(client, lapse):
    unpublished(lapse)
    assert shown(client.get(LIBRARY)) == []
    assert shown(client.get(LIBRARY, {"q": "budget"})) == []


@pytest.mark.parametrize("lapse", NOT_PUBLISHED.values(), ids=NOT_PUBLISHED.keys())
def test_a_member_sees_no_unpublished_report_in_the_library_either(client, member, lapse):
    unpublished(lapse, mission=mission(collectivity=member.membership.collectivity))
    unpublished(lapse)  # another collectivity's
    client.force_login(member)
    assert shown(client.get(LIBRARY)) == []


def test_a_visitor_finds_a_report_by_a_word_of_its_summary(client):
    wanted = published("Mise en place d’un budget participatif à Saint-Louis.")
    published("Gestion des déchets ménagers à Thiès.")
    assert shown(client.get(LIBRARY, {"q": "participatif"})) == [wanted.pk]


def test_every_word_must_be_found(client):
    wanted = published("Budget participatif.", lessons="Associer les riverains dès le début.")
    published("Budget annexe de l’eau.")
    assert shown(client.get(LIBRARY, {"q": "budget riverains"})) == [wanted.pk]
    assert shown(client.get(LIBRARY, {"q": "budget tramway"})) == []


@pytest.mark.parametrize(
    "field", ["summary", "activities", "results", "recommendations", "follow_up", "lessons"]
)
def test_it_searches_each_part_of_the_structured_report(client, field):
    report = published(**{"summary": "Un résumé.", field: "Cartographie cadastrale des parcelles."})
    published("Autre chose.")
    assert shown(client.get(LIBRARY, {"q": "cadastrale"})) == [report.pk]


@on_postgresql
def test_the_french_stemming_finds_a_plural_from_the_singular(client):
    wanted = published("Les budgets des communes ont été consolidés.")
    published("Gestion des déchets.")
    assert shown(client.get(LIBRARY, {"q": "budget"})) == [wanted.pk]
    assert shown(client.get(LIBRARY, {"q": "consolider"})) == [wanted.pk]


@on_postgresql
def test_the_best_match_comes_first(client):
    once = published("Un budget.")
    often = published("Budget, budget et budget.", results="Un budget voté.")
    assert shown(client.get(LIBRARY, {"q": "budget"})) == [often.pk, once.pk]


@on_postgresql
def test_web_search_syntax_is_understood(client):
    water = published("Régie de l’eau potable.")
    waste = published("Collecte des déchets.")
    assert shown(client.get(LIBRARY, {"q": "eau -déchets"})) == [water.pk]
    assert set(shown(client.get(LIBRARY, {"q": "eau or déchets"}))) == {water.pk, waste.pk}


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite fallback")
def test_the_fallback_ignores_case(client):
    report = published("Budget participatif.")
    assert shown(client.get(LIBRARY, {"q": "BUDGET"})) == [report.pk]


def test_search_reports_leaves_the_queryset_alone_without_words():
    report = published()
    for text in ("", "   ", None, "\x00"):
        assert list(search_reports(MissionReport.objects.published(), text)) == [report]


def test_it_filters_by_theme(client):
    water, waste = ThemeFactory(), ThemeFactory()
    wanted = published(theme=water)
    published(theme=waste)
    assert shown(client.get(LIBRARY, {"theme": water.pk})) == [wanted.pk]


def test_it_filters_by_country_and_offers_the_countries_of_published_reports(client):
    wanted = published(country="ML")
    published(country="SN")
    unpublished(NOT_PUBLISHED["submitted"], mission=mission(country="BJ"))
    response = client.get(LIBRARY, {"country": "ML"})
    assert shown(response) == [wanted.pk]
    assert offered(response, "country") == ["", "ML", "SN"]


def test_it_filters_by_year_of_the_mission(client):
    wanted = published(year=2023)
    published(year=2024)
    assert shown(client.get(LIBRARY, {"year": "2023"})) == [wanted.pk]


def test_it_filters_by_sdg_through_the_theme(client):
    health = Theme.objects.get(slug="sante")  # SDG 3 in the seeded taxonomy
    heritage = Theme.objects.get(slug="patrimoine")  # SDGs 8 and 11
    wanted = published(theme=health)
    published(theme=heritage)
    assert shown(client.get(LIBRARY, {"sdg": 3})) == [wanted.pk]


def test_the_filters_combine_with_the_search(client):
    theme = ThemeFactory()
    wanted = published("Budget participatif.", theme=theme, country="ML")
    published("Budget participatif.", theme=theme, country="SN")
    published("Budget participatif.", country="ML")
    published("Déchets.", theme=theme, country="ML")
    params = {"q": "budget", "theme": theme.pk, "country": "ML"}
    assert shown(client.get(LIBRARY, params)) == [wanted.pk]


def test_it_pages_by_twenty_and_keeps_the_filters_in_the_page_links(client):
    theme = ThemeFactory()
    reports = [published(theme=theme) for _ in range(21)]
    published()
    first = client.get(LIBRARY, {"theme": theme.pk})
    assert len(shown(first)) == 20
    assert f"?theme={theme.pk}&amp;page=2" in first.content.decode()
    second = client.get(LIBRARY, {"theme": theme.pk, "page": 2})
    assert shown(second) == [reports[0].pk]  # the newest first: the first one comes last
    assert "21 published reports" in second.content.decode()


def test_an_empty_result_says_so_and_links_the_whole_library(client):
    published("Budget participatif.")
    response = client.get(LIBRARY, {"q": "tramway"})
    assert shown(response) == []
    assert f'href="{LIBRARY}"' in response.content.decode()


def _queries_for(client, params: dict) -> int:
    cache.clear()  # the menus' counts computed afresh, as on a first visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIBRARY, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "budget", "theme": "", "year": "2024"}])
def test_the_number_of_queries_does_not_grow_with_the_reports(client, params):
    for _ in range(2):
        published("Budget participatif.", year=2024)
    with_two = _queries_for(client, params)
    for _ in range(14):
        published("Budget participatif.", year=2024, country="ML")
    assert _queries_for(client, params) == with_two


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "x" * 5000},
        {"q": "<script>alert(1)</script>"},
        {"q": "'\"&|!():*"},
        {"theme": "abc"},
        {"theme": "\x00"},
        {"country": "\x00"},
        {"country": "ZZ"},
        {"year": "deux mille"},
        {"year": "99999999999999999999"},
        {"sdg": "99"},
        {"page": "\x00"},
        {"page": "-1"},
        {"page": "999999"},
    ],
)
def test_odd_filter_values_give_a_page_not_an_error(client, params):
    published()
    response = client.get(LIBRARY, params)
    # A NUL byte is refused before the view with the 400 page (expect/core/guards.py).
    nul = any("\x00" in value for value in params.values())
    assert response.status_code == (400 if nul else 200)
    assert "<script>alert" not in response.content.decode()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text())
@example(text="\x00")
@example(text="budget\x00participatif")
@example(text="'\"")
@example(text="& | ! ( ) : * <-> !!! ((( ':*")
@example(text="budget:* & !(participatif | eau)")
@example(text='"unterminated')
@example(text="-")
@example(text="or or or")
@example(text="%_\\")
@example(text="x" * 10_000)
@example(text=" ".join(["mot"] * 2_000))
def test_any_search_text_gives_a_page(client, text):
    if not MissionReport.objects.exists():
        published("Budget participatif.")
    # Control characters are refused before the view (expect/core/guards.py).
    expected = 400 if CONTROL_IN_TEXT.search(text) else 200
    assert client.get(LIBRARY, {"q": text}).status_code == expected


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=3000))
@example(text="\x00" * 10)
@example(text="a:* & !b | (c <-> d)")
@example(text=" ".join(["mot"] * 2_000))
def test_search_reports_takes_any_text_even_without_the_form_limit(text):
    # The view caps the length; the function must hold on its own too.
    list(search_reports(MissionReport.objects.published(), text))


# --- A report's public page and its file ---------------------------------------------


def test_the_report_page_shows_the_structured_part(client):
    theme = Theme.objects.get(slug="sante")
    report = published(
        "Le résumé.",
        theme=theme,
        country="ML",
        year=2024,
        collectivity=CollectivityFactory(name="Villeurbanne"),
        activities="Les activités.",
        results="Les résultats.",
        recommendations="Les recommandations.",
        follow_up="La suite.",
        lessons="Les leçons.",
    )
    response = client.get(reverse("reports:library_report", args=[report.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Le résumé.",
        "Les activités.",
        "Les résultats.",
        "Les recommandations.",
        "La suite.",
        "Les leçons.",
        "Villeurbanne",
        "Mali",
        str(theme),
        "2024",
    ):
        assert text in page
    for sdg in theme.sdgs.all():
        assert str(sdg) in page
    assert reverse("reports:library_report_file", args=[report.pk]) not in page


@pytest.mark.parametrize("lapse", NOT_PUBLISHED.values(), ids=NOT_PUBLISHED.keys())
def test_a_report_that_is_not_published_has_no_page_and_no_file(client, lapse):
    report = unpublished(lapse, publish_file=True, file=ContentFile(MINIMAL_PDF, name="r.pdf"))
    assert client.get(reverse("reports:library_report", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:library_report_file", args=[report.pk])).status_code == 404


def test_the_file_is_served_when_daect_published_it(client):
    report = published(
        publish_file=True, file=ContentFile(MINIMAL_PDF, name="r.pdf"), file_name="rapport.pdf"
    )
    page = client.get(reverse("reports:library_report", args=[report.pk])).content.decode()
    url = reverse("reports:library_report_file", args=[report.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert 'filename="rapport.pdf"' in response["Content-Disposition"]


def test_the_file_stays_private_when_only_the_structured_part_is_published(client):
    report = published(file=ContentFile(MINIMAL_PDF, name="r.pdf"))
    assert client.get(reverse("reports:library_report_file", args=[report.pk])).status_code == 404


def test_a_published_file_that_is_missing_is_a_404(client):
    report = published(publish_file=True)
    assert client.get(reverse("reports:library_report_file", args=[report.pk])).status_code == 404


def test_an_unknown_report_is_a_404(client):
    assert client.get(reverse("reports:library_report", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        LIBRARY,
        reverse("reports:library_report", args=[1]),
        reverse("reports:library_report_file", args=[1]),
    ],
)
def test_the_library_refuses_a_post(client, url):
    assert client.post(url).status_code == 405
