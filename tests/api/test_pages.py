"""The two documentation pages: the API's (/api/v1/docs/) and the open data's (/donnees/)."""

import pytest
from django.urls import reverse

from tests.api.data import labelled

pytestmark = pytest.mark.django_db


def test_the_open_data_page_lists_each_dataset_with_its_files_and_licence(client):
    labelled()
    response = client.get(reverse("api:open_data"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Licence Ouverte" in page
    for name in ("labels", "collectivities", "missions", "reports"):
        assert reverse("api:dataset", args=[name, "csv"]) in page
        assert reverse("api:dataset", args=[name, "json"]) in page
        assert reverse("api:dataset_schema", args=[name]) in page
    assert "Dernière mise à jour" in page


def test_the_open_data_page_makes_no_file(client, django_assert_max_num_queries):
    # Counting rows is all it asks of the database: the files are made when downloaded.
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api:open_data")).status_code == 200


def test_the_api_documentation_describes_each_operation_in_french(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/labels/" in page
    assert "Labels en vigueur" in page or "Labels en vigueur".lower() in page.lower()
    assert reverse("api:schema") in page
