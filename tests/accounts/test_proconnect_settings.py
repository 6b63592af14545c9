"""Without its configuration ProConnect is nowhere; with it, staff may be held to it."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from expect.envreader import env_url
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.proconnect_provider import proconnect, provider  # noqa: F401


def test_without_configuration_there_is_no_button_url_nor_backend(client, db):
    page = client.get("/compte/connexion/").content.decode()

    assert "ProConnect" not in page
    assert client.get("/proconnect/connexion/").status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("proconnect:login")
    assert not any("proconnect" in backend for backend in settings.AUTHENTICATION_BACKENDS)
    assert not any("oidc" in name.lower() for name in settings.MIDDLEWARE)


def test_an_issuer_in_clear_text_stops_the_start(monkeypatch):
    monkeypatch.setenv("PROCONNECT_ISSUER", "http://auth.agentconnect.gouv.fr/api/v2")

    with pytest.raises(ImproperlyConfigured):
        env_url("PROCONNECT_ISSUER")


def test_an_issuer_on_loopback_may_be_plain_http(monkeypatch):
    monkeypatch.setenv("PROCONNECT_ISSUER", "http://127.0.0.1:8080/")

    assert env_url("PROCONNECT_ISSUER") == "http://127.0.0.1:8080"


@pytest.mark.django_db
def test_staff_held_to_proconnect_cannot_sign_in_with_a_password(client, proconnect):  # noqa: F811
    proconnect.PROCONNECT_REQUIRED_FOR_STAFF = True
    UserFactory(email="agent@diplomatie.gouv.fr", role="daect", is_staff=True)

    response = client.post(
        "/compte/connexion/", {"username": "agent@diplomatie.gouv.fr", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Les agents de la DAECT se connectent avec ProConnect" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_staff_held_to_proconnect_cannot_enter_the_admin_with_a_password(client, proconnect):  # noqa: F811
    proconnect.PROCONNECT_REQUIRED_FOR_STAFF = True
    UserFactory(email="agent@diplomatie.gouv.fr", role="daect", is_staff=True)

    response = client.post(
        "/admin/login/", {"username": "agent@diplomatie.gouv.fr", "password": PASSWORD}
    )

    assert "Les agents de la DAECT se connectent avec ProConnect" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_members_still_sign_in_with_their_password(client, proconnect):  # noqa: F811
    proconnect.PROCONNECT_REQUIRED_FOR_STAFF = True
    UserFactory(email="membre@mairie.fr")

    response = client.post(
        "/compte/connexion/", {"username": "membre@mairie.fr", "password": PASSWORD}
    )

    assert response.status_code == 302
