"""GET /api/v1/collectivities/: the labelled collectivities, never their contacts."""

import pytest
from django.urls import reverse

from labellisation.models import Label
from tests.api.data import labelled, region
from tests.organisations.factories import CollectivityFactory, ThemeFactory

pytestmark = pytest.mark.django_db

COLLECTIVITIES = reverse("api:collectivity-list")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_it_lists_a_labelled_collectivity_with_its_labels_in_force(client):
    label = labelled(CollectivityFactory(name="Villeurbanne", region=region()))
    labelled(label.collectivity, state=Label.State.EXPIRED)
    row = client.get(COLLECTIVITIES).json()["results"][0]
    assert row["name"] == "Villeurbanne"
    assert row["region"] == {"code": "84", "name": "Auvergne-Rhône-Alpes"}
    assert [shown["id"] for shown in row["labels"]] == [label.pk]


def test_it_gives_no_contact_of_the_collectivity(client):
    labelled(
        CollectivityFactory(
            email="mairie@example.fr", phone="+33472000000", address="1 place de la Mairie"
        )
    )
    body = client.get(COLLECTIVITIES).content.decode()
    for secret in ("mairie@example.fr", "+33472000000", "place de la Mairie", "email", "phone"):
        assert secret not in body


def test_a_collectivity_without_a_label_in_force_is_neither_listed_nor_found(client):
    label = labelled(state=Label.State.SUSPENDED)
    assert ids(client.get(COLLECTIVITIES)) == []
    detail = reverse("api:collectivity-detail", args=[label.collectivity_id])
    assert client.get(detail).status_code == 404


def test_it_filters_as_the_catalogue_does(client):
    water = ThemeFactory()
    wanted = labelled(CollectivityFactory(name="Lyon"), water)
    labelled(CollectivityFactory(name="Lyon bis"))
    labelled(CollectivityFactory(name="Brest"), water)
    assert ids(client.get(COLLECTIVITIES, {"theme": water.pk, "name": "lyon"})) == [
        wanted.collectivity_id
    ]


def test_a_collectivity_is_found_by_its_id(client):
    label = labelled()
    detail = reverse("api:collectivity-detail", args=[label.collectivity_id])
    assert (
        client.get(detail)
        .json()["page_url"]
        .endswith(reverse("labellisation:collectivity_detail", args=[label.collectivity_id]))
    )
