import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_answers_503_when_the_broker_is_unreachable(client, settings, monkeypatch):
    from expect.core import views

    monkeypatch.setattr(views, "_broker_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
