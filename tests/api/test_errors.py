"""Under /api/, every refusal is JSON with a `detail`, never one of the site's pages."""

import pytest
from django.urls import reverse

from tests.api.data import labelled

pytestmark = pytest.mark.django_db


def test_an_unknown_address_under_the_api_is_a_json_404(client):
    response = client.get("/api/v1/experts/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_page_past_the_last_is_a_json_404(client):
    labelled()
    response = client.get(reverse("api:label-list"), {"page": 2})
    assert response.status_code == 404
    assert response.json() == {"detail": "Cette page n’existe pas."}


def test_a_control_character_refused_by_the_guards_is_a_json_400(client):
    response = client.get(reverse("api:label-list"), {"kind": "\x00"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_the_site_keeps_its_own_error_pages(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
