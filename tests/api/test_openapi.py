"""The OpenAPI document: valid OpenAPI 3, in French, and describing every operation."""

import pytest
from django.urls import reverse
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

SCHEMA = reverse("api:schema")


@pytest.fixture
def document(client) -> dict:
    response = client.get(SCHEMA)
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)


def test_it_describes_each_list_and_object_of_the_api(document):
    for name in ("labels", "collectivities", "missions", "reports"):
        assert f"/api/v1/{name}/" in document["paths"]
        assert f"/api/v1/{name}/{{id}}/" in document["paths"]


def test_it_documents_the_rate_limit_answer(document):
    answer = document["paths"]["/api/v1/labels/"]["get"]["responses"]["429"]
    assert "Retry-After" in answer["headers"]


def test_its_descriptions_are_in_french(document):
    assert document["paths"]["/api/v1/labels/"]["get"]["summary"] == "Labels en vigueur"


def test_it_names_the_open_licence(document):
    assert "Etalab" in document["info"]["license"]["name"]


def test_the_document_may_be_read_from_another_origin(client):
    response = client.get(SCHEMA, HTTP_ORIGIN="https://reuse.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
