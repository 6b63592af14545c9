import pytest
from django.urls import reverse

from tests.organisations.factories import CollectivityFactory

pytestmark = pytest.mark.django_db
URL = reverse("organisations:search")


def test_it_suggests_collectivities_by_name(client):
    lyon = CollectivityFactory(name="Lyon")
    results = client.get(URL, {"q": "lyo"}).json()["results"]
    assert results == [{"id": lyon.pk, "label": lyon.label_for_search}]


def test_it_answers_an_empty_list_to_a_short_or_odd_query(client):
    CollectivityFactory(name="Lyon")
    for query in ["", "l", "%", "' OR 1=1 --", "é" * 500]:
        assert client.get(URL, {"q": query}).json()["results"] == []
    assert client.get(URL, {"q": "\x00"}).status_code == 400  # expect/core/guards.py


def test_its_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    for i in range(20):
        CollectivityFactory(name=f"Saint-Denis {i}")
    with django_assert_max_num_queries(2):
        client.get(URL, {"q": "saint denis"})
