"""GET /api/v1/labels/: the labels in force, with the catalogue's rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from labellisation.models import Label
from tests.api.data import labelled, region
from tests.organisations.factories import CollectivityFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LABELS = reverse("api:label-list")
TODAY = timezone.localdate()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_it_lists_a_label_in_force_with_its_collectivity_and_theme(client):
    label = labelled(CollectivityFactory(name="Villeurbanne"), ThemeFactory(name="Eau"))
    row = client.get(LABELS).json()["results"][0]
    assert row["id"] == label.pk
    assert row["collectivity"] == {"id": label.collectivity_id, "name": "Villeurbanne"}
    assert row["theme"]["name"] == "Eau"
    assert row["valid_until"] == label.valid_until.isoformat()
    assert row["collectivity_url"].endswith(
        reverse("labellisation:collectivity_detail", args=[label.collectivity_id])
    )


@pytest.mark.parametrize(
    "lapse",
    [
        {"state": Label.State.SUSPENDED},
        {"state": Label.State.REVOKED},
        {"state": Label.State.EXPIRED},
        {
            "granted_on": TODAY - datetime.timedelta(days=1100),
            "valid_until": TODAY - datetime.timedelta(days=1),
        },
        {"granted_on": TODAY + datetime.timedelta(days=1)},
    ],
    ids=["suspended", "revoked", "expired", "ended yesterday", "starts tomorrow"],
)
def test_it_never_lists_a_label_not_in_force(client, lapse):
    labelled(**lapse)
    assert ids(client.get(LABELS)) == []


def test_a_label_valid_until_today_is_still_in_force(client):
    label = labelled(granted_on=TODAY - datetime.timedelta(days=1000), valid_until=TODAY)
    assert ids(client.get(LABELS)) == [label.pk]


def test_an_archived_label_is_not_listed(client):
    labelled(archived_at=timezone.now())
    assert ids(client.get(LABELS)) == []


def test_a_label_not_in_force_is_a_404(client):
    label = labelled(state=Label.State.REVOKED)
    assert client.get(reverse("api:label-detail", args=[label.pk])).status_code == 404


def test_it_filters_by_theme_region_and_year(client):
    water = ThemeFactory()
    wanted = labelled(
        CollectivityFactory(region=region("84")), water, granted_on=datetime.date(2025, 5, 1)
    )
    labelled(CollectivityFactory(region=region("53", "Bretagne")), water)
    labelled(CollectivityFactory(region=region("84")))
    query = {"theme": water.pk, "region": "84", "year": 2025}
    assert ids(client.get(LABELS, query)) == [wanted.pk]


def test_an_unknown_theme_is_a_clear_400(client):
    response = client.get(LABELS, {"theme": "abc"})
    assert response.status_code == 400
    assert "theme" in response.json()


def test_it_refuses_to_write(client):
    assert client.post(LABELS, {}).status_code == 405
