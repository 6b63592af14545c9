"""A visitor searches the library: without accents, by country, theme, partner and
collectivity, with the menus counting what each choice would find.

The full-text cases need PostgreSQL (the stored vector, its triggers and the
`french_unaccent` configuration); the last ones run the SQLite fallback's code.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expect.core import fulltext, generations
from expect.organisations.models import Collectivity, Theme
from missions.models import Mission
from reports.models import MissionReport
from tests.missions.factories import MissionFactory
from tests.organisations.factories import CollectivityFactory, ThemeFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db

LIBRARY = reverse("reports:library")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the full-text search needs PostgreSQL"
)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _fresh_counts():
    # The menus' counts are cached per generation; factories record no step that moves it.
    cache.clear()


def published(summary="Appui au budget participatif.", *, state=None, **mission) -> MissionReport:
    """A published report (or one in `state`, not published) of a mission abroad."""
    request = {
        f"proposal__request__{key}": mission.pop(key)
        for key in ("country", "theme", "partner_name", "partner_place")
        if key in mission
    }
    if "collectivity" in mission:
        request["proposal__collectivity"] = mission.pop("collectivity")
    done = state is None
    return MissionReportFactory(
        mission=MissionFactory(state=Mission.State.CLOSED, **request, **mission),
        summary=summary,
        state=state or MissionReport.State.ACCEPTED,
        submitted_at=timezone.now(),
        is_published=done,
        published_at=timezone.now() if done else None,
    )


def found(client, **params) -> list[int]:
    response = client.get(LIBRARY, params)
    assert response.status_code == 200
    return [report.pk for report in response.context["page_obj"].object_list]


def menu(client, name: str, **params) -> dict[str, str]:
    """A filter's menu as offered: value → label (with its count)."""
    form = client.get(LIBRARY, params).context["filter"].form
    return dict(form[name].field.widget.choices)


@on_postgresql
def test_a_word_typed_without_accents_finds_it_with_them(client):
    wanted = published("Gestion des déchets ménagers.")
    published("Budget participatif.")
    assert found(client, q="dechets") == [wanted.pk]
    assert found(client, q="DÉCHETS") == [wanted.pk]


@on_postgresql
def test_a_city_typed_without_accents_is_found(client):
    wanted = published("Appui à la commune de Thiès.")
    published("Appui à Dakar.")
    assert found(client, q="thies") == [wanted.pk]


@on_postgresql
def test_the_country_name_finds_the_reports_of_missions_there(client):
    senegal = published("Budget participatif.", country="SN")
    published("Budget participatif.", country="ML")
    assert found(client, q="Sénégal") == [senegal.pk]
    assert found(client, q="senegal") == [senegal.pk]
    assert found(client, q="Mali") != [senegal.pk]


@on_postgresql
def test_a_theme_word_finds_the_reports_of_that_theme(client):
    governance = Theme.objects.get(slug="gouvernance-locale-decentralisation")
    wanted = published("Appui technique.", theme=governance)
    published("Appui technique.", theme=Theme.objects.get(slug="sante"))
    assert found(client, q="gouvernance") == [wanted.pk]


@on_postgresql
def test_the_partner_authority_name_finds_its_reports(client):
    wanted = published(partner_name="Commune de Ziguinchor", partner_place="Ziguinchor")
    published(partner_name="Commune de Kaolack", partner_place="Kaolack")
    assert found(client, q="ziguinchor") == [wanted.pk]


@on_postgresql
def test_the_collectivity_name_finds_its_reports(client):
    wanted = published(collectivity=CollectivityFactory(name="Villeurbanne"))
    published(collectivity=CollectivityFactory(name="Brest"))
    assert found(client, q="villeurbanne") == [wanted.pk]


@on_postgresql
def test_a_renamed_theme_finds_its_reports_by_the_new_name(client):
    theme = ThemeFactory(name="Voirie")
    wanted = published("Appui technique.", theme=theme)
    theme.name = "Ponts et chaussées"
    theme.save()
    assert found(client, q="chaussées") == [wanted.pk]
    assert found(client, q="voirie") == []


@on_postgresql
def test_a_report_edited_after_publication_is_found_by_its_new_words(client):
    report = published("Budget participatif.")
    report.summary = "Éclairage public."
    report.save(update_fields=["summary"])
    assert found(client, q="eclairage") == [report.pk]
    assert found(client, q="participatif") == []


@pytest.mark.parametrize(
    "state",
    [
        MissionReport.State.DRAFT,
        MissionReport.State.SUBMITTED,
        MissionReport.State.REVISION_REQUESTED,
        MissionReport.State.ACCEPTED,
    ],
)
def test_an_unpublished_report_is_never_found(client, state):
    published("Gestion des déchets à Thiès.", state=state, country="SN")
    for words in ("dechets", "thies", "Sénégal", "Saint-Louis"):
        assert found(client, q=words) == []


@on_postgresql
def test_a_withdrawn_report_is_no_longer_found(client):
    report = published("Gestion des déchets.")
    MissionReport.objects.filter(pk=report.pk).update(is_published=False)
    assert found(client, q="dechets") == []


@on_postgresql
def test_the_extract_marks_the_words_found_and_escapes_the_text(client):
    published('Collecte des déchets "R&D" <script>alert(1)</script> à Thiès.')
    page = client.get(LIBRARY, {"q": "dechets"}).content.decode()
    assert "<mark>déchets</mark>" in page
    assert "<script>alert" not in page


def test_each_menu_counts_the_reports_of_each_value(client):
    health = Theme.objects.get(slug="sante")
    heritage = Theme.objects.get(slug="patrimoine")
    published(theme=health, country="SN")
    published(theme=health, country="ML")
    published(theme=heritage, country="SN")
    themes = menu(client, "theme")
    assert themes[str(health.pk)] == f"{health} (2)"
    assert themes[str(heritage.pk)] == f"{heritage} (1)"
    countries = menu(client, "country")
    assert countries["SN"] == "Senegal (2)"
    assert countries["ML"] == "Mali (1)"


def test_a_menu_counts_with_the_other_filters_and_not_its_own(client):
    health = Theme.objects.get(slug="sante")
    heritage = Theme.objects.get(slug="patrimoine")
    published(theme=health, country="SN")
    published(theme=health, country="ML")
    published(theme=heritage, country="SN")
    countries = menu(client, "country", theme=health.pk, country="SN")
    assert countries["SN"] == "Senegal (1)"
    assert countries["ML"] == "Mali (1)"
    themes = menu(client, "theme", theme=health.pk, country="SN")
    assert themes[str(health.pk)] == f"{health} (1)"
    assert themes[str(heritage.pk)] == f"{heritage} (1)"


def test_a_value_that_would_find_nothing_leaves_the_menu(client):
    health = Theme.objects.get(slug="sante")
    published(theme=health, country="SN")
    published(theme=Theme.objects.get(slug="patrimoine"), country="ML")
    assert set(menu(client, "country", theme=health.pk)) == {"", "SN"}


def test_the_menus_count_the_reports_the_words_find(client):
    published("Gestion des déchets.", country="SN")
    published("Gestion des déchets.", country="ML")
    published("Budget participatif.", country="ML")
    countries = menu(client, "country", q="déchets")
    assert countries["SN"] == "Senegal (1)"
    assert countries["ML"] == "Mali (1)"


def test_it_filters_and_counts_by_kind_of_collectivity(client):
    department = CollectivityFactory(kind=Collectivity.Kind.DEPARTEMENT, siren=None)
    wanted = published(collectivity=department)
    published()
    kinds = menu(client, "kind")
    assert kinds["departement"].endswith("(1)")
    assert kinds["commune"].endswith("(1)")
    assert found(client, kind="departement") == [wanted.pk]


def test_the_sdg_menu_counts_each_report_once_per_goal(client):
    heritage = Theme.objects.get(slug="patrimoine")  # SDGs 8 and 11
    published(theme=heritage)
    goals = menu(client, "sdg")
    assert goals["8"].endswith("(1)")
    assert goals["11"].endswith("(1)")
    assert "3" not in goals


def _queries(client, params: dict) -> int:
    cache.clear()  # the menus' counts computed afresh, as on a first visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIBRARY, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "dechets"},
        {"q": "dechets", "country": "SN", "kind": "commune"},
        {"q": "EXPE-CT-M-00001"},
    ],
    ids=["all", "words", "words and filters", "a reference"],
)
def test_the_number_of_queries_is_the_same_at_two_volumes(client, params):
    theme = ThemeFactory()
    for country in ("SN", "ML"):
        published("Gestion des déchets.", country=country, theme=theme)
    small = _queries(client, params)
    for n in range(30):
        published("Gestion des déchets à Thiès.", country=("SN", "ML", "BJ")[n % 3])
    assert _queries(client, params) == small


def test_the_counts_are_computed_once_per_generation_of_the_library(client):
    published(country="SN")
    client.get(LIBRARY)  # the steps recorded by the factories move the generation after it
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get(LIBRARY, {"q": "budget"})
    with CaptureQueriesContext(connection) as again:
        client.get(LIBRARY, {"q": "budget"})
    assert len(again) < len(first)  # the grouped queries of the menus, kept
    generations.bump_now(generations.LIBRARY)  # what publishing a report does
    with CaptureQueriesContext(connection) as after:
        client.get(LIBRARY, {"q": "budget"})
    assert len(after) == len(first)


# --- The SQLite fallback (run here on any database, by its own code) -----------------


@pytest.fixture
def fallback(monkeypatch):
    monkeypatch.setattr(fulltext, "is_full_text", lambda: False)


def test_the_fallback_ignores_accents_and_case(client, fallback):
    wanted = published("Gestion des déchets à Thiès.")
    published("Budget participatif.")
    assert found(client, q="DECHETS thies") == [wanted.pk]


def test_the_fallback_finds_the_country_theme_partner_and_collectivity(client, fallback):
    governance = Theme.objects.get(slug="gouvernance-locale-decentralisation")
    wanted = published(
        "Appui.",
        country="SN",
        theme=governance,
        partner_name="Commune de Ziguinchor",
        collectivity=CollectivityFactory(name="Villeurbanne"),
    )
    published("Appui.", country="ML", theme=Theme.objects.get(slug="sante"))
    for words in ("sénégal", "senegal", "gouvernance", "ziguinchor", "villeurbanne"):
        assert found(client, q=words) == [wanted.pk], words


def test_the_fallback_never_finds_an_unpublished_report(client, fallback):
    published("Gestion des déchets.", state=MissionReport.State.ACCEPTED)
    assert found(client, q="dechets") == []
