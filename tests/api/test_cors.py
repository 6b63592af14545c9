"""CORS: any origin may read the API; nothing else of the site crosses origins."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ORIGIN = "https://reuse.example.org"


def test_any_origin_may_read_the_api(client):
    response = client.get(reverse("api:label-list"), HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_allows_reading_only(client):
    response = client.options(
        reverse("api:label-list"),
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    allowed = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


def test_the_bulk_files_may_be_read_from_another_origin_too(client):
    response = client.get(reverse("api:dataset", args=["labels", "json"]), HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("name", ["labellisation:catalogue", "api:open_data", "core:home"])
def test_the_pages_of_the_site_do_not_cross_origins(client, name):
    response = client.get(reverse(name), HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_a_refusal_of_the_guards_carries_the_cors_headers_too(client):
    response = client.get(reverse("api:label-list"), {"kind": "\x00"}, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_429_carries_the_cors_headers_and_exposes_retry_after(client, settings):
    settings.API_THROTTLE_PER_MINUTE = 1
    client.get(reverse("api:label-list"))
    response = client.get(reverse("api:label-list"), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 429
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "retry-after" in response["Access-Control-Expose-Headers"].lower()
