"""A visitor searches the catalogue's labelled expertise: by words without accents, in
the labels valid today only, with the menus counting what each choice would find.

The full-text cases need PostgreSQL (the stored vector, its triggers and the
`french_unaccent` configuration); the last ones run the SQLite fallback's code.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.core import fulltext
from expect.organisations.models import Collectivity, Region, Theme
from labellisation.models import Label, LabelApplication
from tests.labellisation.factories import LabelApplicationFactory, LabelFactory
from tests.organisations.factories import CollectivityFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("labellisation:catalogue")
TODAY = datetime.date.today()
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


def labelled(name: str, expertise: str = "Appui aux communes.", *, theme="sante", **label):
    """A collectivity named `name` holding a label (valid today unless told) on `theme`."""
    collectivity = label.pop("collectivity", None) or CollectivityFactory(name=name)
    application = LabelApplicationFactory(
        collectivity=collectivity,
        theme=Theme.objects.get(slug=theme),
        expertise=expertise,
        state=LabelApplication.State.GRANTED,
    )
    return LabelFactory(application=application, **label)


def found(client, **params) -> list[str]:
    response = client.get(CATALOGUE, params)
    assert response.status_code == 200
    return [collectivity.name for collectivity in response.context["page_obj"].object_list]


def menu(client, name: str, **params) -> dict[str, str]:
    form = client.get(CATALOGUE, params).context["filter"].form
    return dict(form[name].field.widget.choices)


@on_postgresql
def test_a_word_typed_without_accents_finds_the_expertise_with_them(client):
    labelled("Lyon", "Collecte et valorisation des déchets ménagers.")
    labelled("Brest", "Budget participatif.")
    assert found(client, q="dechets") == ["Lyon"]


@on_postgresql
def test_the_theme_name_and_the_collectivity_name_are_searched(client):
    labelled("Lyon", theme="patrimoine")
    labelled("Saint-Étienne", theme="sante")
    assert found(client, q="patrimoine") == ["Lyon"]
    assert found(client, q="saint etienne") == ["Saint-Étienne"]


@on_postgresql
def test_the_best_match_comes_first(client):
    labelled("Brest", "Un mot sur l’eau.")
    labelled("Lyon", "L’eau potable, l’eau pluviale et l’eau usée.", theme="patrimoine")
    assert found(client, q="eau") == ["Lyon", "Brest"]


@pytest.mark.parametrize(
    "lapse",
    [
        {"state": Label.State.SUSPENDED},
        {"state": Label.State.REVOKED},
        {"state": Label.State.EXPIRED},
        {"granted_on": TODAY + datetime.timedelta(days=1)},
    ],
    ids=["suspended", "revoked", "expired", "not yet granted"],
)
def test_the_expertise_of_a_label_not_valid_today_is_never_found(client, lapse):
    labelled("Lyon", "Collecte des déchets.", **lapse)
    assert found(client, q="dechets") == []


@on_postgresql
def test_the_words_and_the_theme_must_meet_in_the_same_label(client):
    lyon = CollectivityFactory(name="Lyon")
    labelled("Lyon", "Collecte des déchets.", theme="patrimoine", collectivity=lyon)
    labelled("Lyon", "Centres de santé.", theme="sante", collectivity=lyon)
    health = Theme.objects.get(slug="sante")
    assert found(client, q="dechets", theme=health.pk) == []
    assert found(client, q="santé", theme=health.pk) == ["Lyon"]


@on_postgresql
def test_the_extract_marks_the_words_found(client):
    labelled("Lyon", "Collecte et valorisation des déchets ménagers.")
    page = client.get(CATALOGUE, {"q": "dechets"}).content.decode()
    assert "<mark>déchets</mark>" in page


def test_each_menu_counts_the_collectivities_with_the_other_filters(client):
    brittany = Region.objects.create(code="53", name="Bretagne")
    labelled("Brest", theme="sante", collectivity=CollectivityFactory(region=brittany))
    labelled("Lyon", theme="sante")
    labelled("Rennes", theme="patrimoine", collectivity=CollectivityFactory(region=brittany))
    health = Theme.objects.get(slug="sante")
    themes = menu(client, "theme", region="53")
    assert themes[str(health.pk)] == f"{health} (1)"
    regions = menu(client, "region", theme=health.pk, region="53")
    assert regions["53"] == "Bretagne (1)"
    kinds = menu(client, "kind")
    assert kinds[Collectivity.Kind.COMMUNE].endswith("(3)")


@on_postgresql
def test_the_menus_count_what_the_words_find(client):
    labelled("Lyon", "Collecte des déchets.", theme="sante")
    labelled("Brest", "Collecte des déchets.", theme="patrimoine")
    labelled("Nantes", "Budget participatif.", theme="patrimoine")
    heritage = Theme.objects.get(slug="patrimoine")
    assert menu(client, "theme", q="dechets")[str(heritage.pk)] == f"{heritage} (1)"


def _queries(client, params: dict) -> int:
    cache.clear()  # the menus' counts computed afresh, as on a first visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CATALOGUE, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "dechets"}, {"q": "dechets", "kind": "commune", "region": "53"}],
    ids=["all", "words", "words and filters"],
)
def test_the_number_of_queries_is_the_same_at_two_volumes(client, params):
    Region.objects.create(code="53", name="Bretagne")
    for n in range(2):
        labelled(f"Commune {n}", "Collecte des déchets.")
    small = _queries(client, params)
    for n in range(25):
        label = labelled(f"Autre {n}", "Tri des déchets.", theme="patrimoine")
        labelled("", "Déchets verts.", collectivity=label.collectivity)
    assert _queries(client, params) == small


# --- The SQLite fallback (run here on any database, by its own code) -----------------


@pytest.fixture
def fallback(monkeypatch):
    monkeypatch.setattr(fulltext, "is_full_text", lambda: False)


def test_the_fallback_ignores_accents_and_case(client, fallback):
    labelled("Lyon", "Collecte des déchets ménagers.")
    labelled("Brest", "Budget participatif.")
    assert found(client, q="DECHETS menagers") == ["Lyon"]


def test_the_fallback_lists_what_it_finds_by_name(client, fallback):
    labelled("Lyon", "Collecte des déchets.")
    labelled("Brest", "Tri des déchets.")
    labelled("Nantes", "Budget participatif.")
    assert found(client, q="dechets") == ["Brest", "Lyon"]


def test_the_fallback_never_finds_a_lapsed_label(client, fallback):
    labelled("Lyon", "Collecte des déchets.", state=Label.State.REVOKED)
    assert found(client, q="dechets") == []
