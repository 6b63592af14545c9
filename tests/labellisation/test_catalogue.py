"""The public catalogue of labelled expertise and the public page of a collectivity."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.organisations.models import Collectivity, Region, Theme
from labellisation.models import Label, LabelApplication
from tests.labellisation.factories import LabelApplicationFactory, LabelFactory
from tests.organisations.factories import CollectivityFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("labellisation:catalogue")
TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def english(client, settings):
    # English pages keep the assertions true once the French catalogue is translated.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _fresh_counts():
    # The menus' counts are cached per generation; factories record no step that moves it.
    cache.clear()


def labelled(collectivity: Collectivity | None = None, theme: Theme | None = None, **kwargs):
    """A label (active and valid today unless told otherwise) of a collectivity on a theme."""
    application = LabelApplicationFactory(
        collectivity=collectivity or CollectivityFactory(),
        theme=theme or ThemeFactory(),
        state=LabelApplication.State.GRANTED,
    )
    return LabelFactory(application=application, **kwargs)


def shown(response) -> list[str]:
    return [c.name for c in response.context["page_obj"].object_list]


LAPSED = {
    "expired": {"state": Label.State.EXPIRED},
    "suspended": {"state": Label.State.SUSPENDED},
    "revoked": {"state": Label.State.REVOKED},
    "past its end": {
        "granted_on": TODAY - datetime.timedelta(days=1200),
        "valid_until": TODAY - datetime.timedelta(days=1),
    },
    "not yet granted": {"granted_on": TODAY + datetime.timedelta(days=1)},
}


def test_it_lists_a_collectivity_with_a_valid_label(client):
    label = labelled(CollectivityFactory(name="Villeurbanne"))
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert shown(response) == ["Villeurbanne"]
    page = response.content.decode()
    assert str(label.theme) in page
    assert reverse("labellisation:collectivity_detail", args=[label.collectivity_id]) in page
    assert "1 labelled local authority" in page


@pytest.mark.parametrize("lapse", LAPSED.values(), ids=LAPSED.keys())
def test_it_hides_a_collectivity_whose_only_label_is_not_valid_today(client, lapse):
    labelled(CollectivityFactory(name="Lapsed"), **lapse)
    response = client.get(CATALOGUE)
    assert shown(response) == []
    assert "No labelled local authority matches these filters." in response.content.decode()


def test_it_shows_only_the_valid_labels_of_a_collectivity(client):
    collectivity = CollectivityFactory()
    labelled(collectivity, ThemeFactory(name="Valid theme"))
    labelled(collectivity, ThemeFactory(name="Suspended theme"), state=Label.State.SUSPENDED)
    (shown_collectivity,) = client.get(CATALOGUE).context["page_obj"].object_list
    assert [label.theme.name for label in shown_collectivity.valid_labels] == ["Valid theme"]


def test_the_theme_filter_counts_valid_labels_only(client):
    water, waste = ThemeFactory(), ThemeFactory()
    lyon = CollectivityFactory(name="Lyon")
    labelled(lyon, water)
    labelled(lyon, waste, state=Label.State.SUSPENDED)
    labelled(CollectivityFactory(name="Brest"), waste)
    assert shown(client.get(CATALOGUE, {"theme": water.pk})) == ["Lyon"]
    assert shown(client.get(CATALOGUE, {"theme": waste.pk})) == ["Brest"]


def test_it_filters_by_kind(client):
    labelled(CollectivityFactory(name="Lyon"))
    labelled(CollectivityFactory(name="Rhône", kind=Collectivity.Kind.DEPARTEMENT, siren=None))
    assert shown(client.get(CATALOGUE, {"kind": "departement"})) == ["Rhône"]


def test_it_filters_by_region(client):
    aura = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    brittany = Region.objects.create(code="53", name="Bretagne")
    labelled(CollectivityFactory(name="Lyon", region=aura))
    labelled(CollectivityFactory(name="Brest", region=brittany))
    assert shown(client.get(CATALOGUE, {"region": "53"})) == ["Brest"]


def test_it_filters_by_language_spoken(client):
    lyon, brest = CollectivityFactory(name="Lyon"), CollectivityFactory(name="Brest")
    lyon.languages.set(["en", "es"])
    brest.languages.set(["en"])
    labelled(lyon)
    labelled(brest)
    assert shown(client.get(CATALOGUE, {"language": "es"})) == ["Lyon"]
    assert shown(client.get(CATALOGUE, {"language": "en"})) == ["Brest", "Lyon"]


def test_it_filters_by_sdg_through_the_themes_of_valid_labels(client):
    health = Theme.objects.get(slug="sante")  # SDG 3 in the seeded taxonomy
    heritage = Theme.objects.get(slug="patrimoine")  # SDGs 8 and 11
    labelled(CollectivityFactory(name="Lyon"), health)
    labelled(CollectivityFactory(name="Brest"), heritage)
    labelled(CollectivityFactory(name="Nantes"), health, state=Label.State.REVOKED)
    labelled(CollectivityFactory(name="Nantes 2"), heritage)
    assert shown(client.get(CATALOGUE, {"sdg": 3})) == ["Lyon"]
    assert shown(client.get(CATALOGUE, {"sdg": 11})) == ["Brest", "Nantes 2"]


def test_it_searches_names_without_accents_or_case(client):
    labelled(CollectivityFactory(name="Saint-Étienne"))
    labelled(CollectivityFactory(name="Lyon"))
    assert shown(client.get(CATALOGUE, {"name": "saint etienne"})) == ["Saint-Étienne"]
    assert shown(client.get(CATALOGUE, {"name": "ÉTIENNE"})) == ["Saint-Étienne"]


def test_the_filters_combine(client):
    theme = ThemeFactory()
    labelled(CollectivityFactory(name="Lyon"), theme)
    labelled(CollectivityFactory(name="Lyon-Est"))
    labelled(CollectivityFactory(name="Brest"), theme)
    assert shown(client.get(CATALOGUE, {"name": "lyon", "theme": theme.pk})) == ["Lyon"]


def test_it_pages_by_twenty_and_keeps_the_filters_in_the_page_links(client):
    theme = ThemeFactory()
    for n in range(21):
        labelled(CollectivityFactory(name=f"Commune {n:02d}"), theme)
    labelled(CollectivityFactory(name="Elsewhere"))
    first = client.get(CATALOGUE, {"theme": theme.pk})
    assert len(shown(first)) == 20
    assert f"?theme={theme.pk}&amp;page=2" in first.content.decode()
    second = client.get(CATALOGUE, {"theme": theme.pk, "page": 2})
    assert shown(second) == ["Commune 20"]
    assert "21 labelled local authorities" in second.content.decode()


def _queries_for_catalogue(client) -> int:
    cache.clear()  # the menus' counts computed afresh, as on a first visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CATALOGUE).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_collectivities(client):
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    for _ in range(3):
        labelled(CollectivityFactory(region=region))
    with_three = _queries_for_catalogue(client)
    for _ in range(22):
        label = labelled(CollectivityFactory(region=region))
        labelled(label.collectivity)  # two labels for some
    assert _queries_for_catalogue(client) == with_three


@pytest.mark.parametrize(
    "params",
    [
        {"name": "\x00"},
        {"name": "x" * 5000},
        {"name": "<script>alert(1)</script>"},
        {"theme": "abc"},
        {"theme": "\x00"},
        {"region": "\x00"},
        {"language": "\x00"},
        {"sdg": "99"},
        {"kind": "<script>"},
        {"page": "\x00"},
        {"page": "-1"},
        {"page": "999999"},
    ],
)
def test_odd_filter_values_give_a_page_not_an_error(client, params):
    labelled()
    response = client.get(CATALOGUE, params)
    # A NUL byte is refused before the view with the 400 page (expect/core/guards.py).
    nul = any("\x00" in value for value in params.values())
    assert response.status_code == (400 if nul else 200)
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("url", [CATALOGUE, reverse("labellisation:collectivity_detail", args=[1])])
def test_the_catalogue_refuses_a_post(client, url):
    assert client.post(url).status_code == 405


def test_the_collectivity_page_shows_its_valid_labels(client):
    collectivity = CollectivityFactory(
        name="Villeurbanne", international_experience="Coopération avec Saint-Louis."
    )
    collectivity.languages.set(["es"])
    label = labelled(collectivity, ThemeFactory(name="Eau potable"))
    labelled(collectivity, ThemeFactory(name="Old theme"), state=Label.State.EXPIRED)
    url = reverse("labellisation:collectivity_detail", args=[collectivity.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Villeurbanne", "Eau potable", "Spanish", "Coopération avec Saint-Louis."):
        assert text in page
    assert label.valid_until.strftime("%d/%m/%Y") in page  # British, not 05/15/2029
    assert "Old theme" not in page
    assert "No completed mission yet." in page


def test_the_collectivity_page_keeps_contacts_and_codes_private(client):
    collectivity = CollectivityFactory(email="maire@example.fr", phone="04 00 00 00 00")
    label = labelled(collectivity)
    page = client.get(reverse("labellisation:collectivity_detail", args=[collectivity.pk]))
    for private in ("maire@example.fr", "04 00 00 00 00", label.verification_code):
        assert private not in page.content.decode()


@pytest.mark.parametrize("lapse", LAPSED.values(), ids=LAPSED.keys())
def test_a_collectivity_without_a_valid_label_has_no_public_page(client, lapse):
    label = labelled(**lapse)
    url = reverse("labellisation:collectivity_detail", args=[label.collectivity_id])
    assert client.get(url).status_code == 404


def test_an_unknown_collectivity_is_a_404(client):
    url = reverse("labellisation:collectivity_detail", args=[999999])
    assert client.get(url).status_code == 404
