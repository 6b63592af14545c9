"""Rate limits: over the limit, a 429 in French with the seconds to wait."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LABELS = reverse("api:label-list")


def test_it_answers_429_with_retry_after_over_the_limit(client, settings):
    settings.API_THROTTLE_PER_MINUTE = 2
    assert [client.get(LABELS).status_code for _ in range(2)] == [200, 200]
    response = client.get(LABELS)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Requête" in response.json()["detail"]


def test_the_limit_counts_each_address_apart(client, settings):
    settings.API_THROTTLE_PER_MINUTE = 1
    assert client.get(LABELS, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(LABELS, REMOTE_ADDR="192.0.2.2").status_code == 200
    assert client.get(LABELS, REMOTE_ADDR="192.0.2.1").status_code == 429


def test_a_forged_forwarded_header_does_not_reset_the_count(client, settings):
    settings.API_THROTTLE_PER_MINUTE = 1
    assert client.get(LABELS).status_code == 200
    forged = client.get(LABELS, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forged.status_code == 429


def test_bulk_files_have_their_own_hourly_limit(client, settings):
    settings.API_DATASET_THROTTLE_PER_HOUR = 1
    url = reverse("api:dataset", args=["labels", "csv"])
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 60
