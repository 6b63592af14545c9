"""ID tokens that are not what ProConnect would sign for this sign-in are refused.

The test provider re-signs the token it issues after changing its claims, with a key of
its JWKS (so that only the changed claim can be wrong), or with a rogue key.
"""

import time

import pytest

from expect.accounts.models import ProConnectIdentity
from tests.accounts.proconnect_provider import proconnect, provider  # noqa: F401
from tests.accounts.test_proconnect_sign_in import daect_agent, sign_in  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("proconnect", "daect_agent")]


def refused_with(client, provider, words: str):  # noqa: F811
    response = sign_in(client, provider, acr="eidas2")
    assert response.status_code == 403
    assert words in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not ProConnectIdentity.objects.exists()


def test_a_token_as_issued_but_signed_by_us_passes(client, provider):  # noqa: F811
    provider.alter = lambda claims: claims

    response = sign_in(client, provider, acr="eidas2")

    assert response["Location"] == "/tableau-de-bord/"


def test_a_token_signed_by_another_key_is_refused(client, provider):  # noqa: F811
    provider.rogue = True

    refused_with(client, provider, "n’est pas signée par ProConnect")


def test_a_token_of_another_sign_in_is_refused(client, provider):  # noqa: F811
    provider.alter = lambda claims: {**claims, "nonce": "the-nonce-of-another-sign-in"}

    refused_with(client, provider, "ne correspond pas à cette tentative")


def test_a_token_without_nonce_is_refused(client, provider):  # noqa: F811
    provider.alter = lambda claims: {k: v for k, v in claims.items() if k != "nonce"}

    refused_with(client, provider, "ne correspond pas à cette tentative")


def test_a_token_from_another_issuer_is_refused(client, provider):  # noqa: F811
    provider.alter = lambda claims: {**claims, "iss": "https://auth.example.com/api/v2"}

    refused_with(client, provider, "ne vient pas du service ProConnect attendu")


def test_an_expired_token_is_refused(client, provider):  # noqa: F811
    an_hour_ago = int(time.time()) - 3600
    provider.alter = lambda claims: {**claims, "iat": an_hour_ago - 60, "exp": an_hour_ago}

    refused_with(client, provider, "a expiré")


def test_a_token_for_another_client_is_refused(client, provider):  # noqa: F811
    provider.alter = lambda claims: {**claims, "aud": "another-service"}

    refused_with(client, provider, "n’était pas destinée à EXPE-CT")


def test_a_token_with_a_lower_level_is_refused(client, provider):  # noqa: F811
    provider.alter = lambda claims: {**claims, "acr": "eidas0"}

    refused_with(client, provider, "niveau de garantie plus faible")
