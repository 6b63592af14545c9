"""GET /api/v1/missions/: the completed missions, with what their public pages show."""

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import Mission
from tests.api.data import labelled, mission, region
from tests.organisations.factories import CollectivityFactory, ThemeFactory

pytestmark = pytest.mark.django_db

MISSIONS = reverse("api:mission-list")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_it_lists_a_completed_mission_with_its_country_theme_dates_and_collectivity(client):
    done = mission(country="SN", year=2025, collectivity=CollectivityFactory(name="Rennes"))
    row = client.get(MISSIONS).json()["results"][0]
    assert row["id"] == done.pk
    assert (row["country"], row["country_name"]) == ("SN", "Sénégal")
    assert row["collectivity"]["name"] == "Rennes"
    assert (row["departure_date"], row["return_date"]) == ("2025-03-01", "2025-03-10")


@pytest.mark.parametrize(
    "state", [Mission.State.PLANNED, Mission.State.CONFIRMED, Mission.State.UNDER_WAY]
)
def test_a_mission_not_yet_back_is_not_listed(client, state):
    mission(state=state)
    assert ids(client.get(MISSIONS)) == []


def test_a_cancelled_or_archived_mission_is_not_listed(client):
    mission(state=Mission.State.CANCELLED)
    archived = mission()
    Mission.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    assert ids(client.get(MISSIONS)) == []


def test_it_gives_neither_the_team_nor_the_budget_nor_the_partner(client):
    mission()
    row = client.get(MISSIONS).json()["results"][0]
    assert set(row) == {
        "id",
        "country",
        "country_name",
        "theme",
        "collectivity",
        "departure_date",
        "return_date",
    }


def test_it_filters_by_country_theme_region_and_year(client):
    water = ThemeFactory()
    wanted = mission(
        country="MA", theme=water, year=2024, collectivity=CollectivityFactory(region=region())
    )
    mission(country="SN", theme=water, year=2024)
    mission(country="MA", year=2024)
    mission(country="MA", theme=water, year=2025)
    query = {"country": "MA", "theme": water.pk, "year": 2024, "region": "84"}
    assert ids(client.get(MISSIONS, query)) == [wanted.pk]


def test_an_unknown_country_is_a_clear_400(client):
    assert client.get(MISSIONS, {"country": "ZZ"}).status_code == 400


def test_the_api_and_the_collectivitys_public_page_show_the_same_missions(client):
    collectivity = labelled().collectivity
    mission(collectivity=collectivity, country="MA")
    mission(collectivity=collectivity, country="TN", state=Mission.State.UNDER_WAY)
    archived = mission(collectivity=collectivity, country="BJ")
    Mission.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    page = client.get(reverse("labellisation:collectivity_detail", args=[collectivity.pk]))
    rows = client.get(MISSIONS, {"collectivity": collectivity.pk}).json()["results"]
    assert [row["country_name"] for row in rows] == ["Maroc"]
    assert "Maroc" in page.content.decode()
    assert "Tunisie" not in page.content.decode()
    assert "Bénin" not in page.content.decode()
