"""Signing in through ProConnect, against a real OpenID Connect provider on loopback."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY

from expect.accounts.models import ProConnectIdentity, User
from tests.accounts.factories import UserFactory
from tests.accounts.proconnect_provider import CLIENT_ID, proconnect, provider  # noqa: F401
from tests.organisations.factories import CollectivityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("proconnect")]


def agent_claims(**claims) -> dict:
    return {
        "email": "camille.agent@diplomatie.gouv.fr",
        "email_verified": True,
        "given_name": "Camille",
        "usual_name": "Agent",
        "uid": "42",
        "siret": "12000101100010",
        "idp_id": "idp-of-the-ministry",
        "acr": "eidas1",
        **claims,
    }


def sign_in(client, provider, sub="agent-sub-1", **claims):  # noqa: F811
    """Click the ProConnect button, authorise at the provider, come back: the callback's answer."""
    provider.set_user(sub, **agent_claims(**claims))
    start = client.get("/proconnect/connexion/")
    assert start.status_code == 302
    authorised = requests.post(start["Location"], data={"sub": sub}, allow_redirects=False)
    back = urlsplit(authorised.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


@pytest.fixture
def daect_agent():
    return UserFactory(
        email="camille.agent@diplomatie.gouv.fr", role=User.Role.DAECT, is_staff=True
    )


def test_it_asks_for_a_code_with_pkce_state_nonce_and_the_eidas_level(client, provider):  # noqa: F811
    response = client.get("/proconnect/connexion/")

    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(f"{provider.url}/oauth2/authorize?")
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["acr_values"] == ["eidas1"]
    assert set(query["scope"][0].split()) >= {"openid", "email", "given_name", "siret", "uid"}


def test_a_daect_agent_is_linked_by_the_verified_address_and_lands_on_the_dashboard(
    client,
    provider,  # noqa: F811
    daect_agent,
):
    response = sign_in(client, provider, acr="eidas2")

    assert response.status_code == 302 and response["Location"] == "/tableau-de-bord/"
    identity = ProConnectIdentity.objects.get(user=daect_agent)
    assert identity.sub == "agent-sub-1" and identity.issuer == provider.url
    assert client.get("/tableau-de-bord/").status_code == 200
    assert mail.outbox[-1].to == [daect_agent.email]
    assert "ProConnect" in mail.outbox[-1].subject


def test_the_token_exchange_proves_the_pkce_verifier(client, provider, daect_agent):  # noqa: F811
    sign_in(client, provider, acr="eidas2")

    assert provider.token_requests[-1]["code_verifier"]


def test_an_acr_with_several_factors_verifies_the_session_of_staff(client, provider, daect_agent):  # noqa: F811
    sign_in(client, provider, acr="eidas2")

    identity = ProConnectIdentity.objects.get(user=daect_agent)
    assert client.session[DEVICE_ID_SESSION_KEY] == identity.persistent_id


def test_an_acr_of_a_password_alone_leaves_the_second_factor_to_ask(client, provider, daect_agent):  # noqa: F811
    sign_in(client, provider, acr="eidas1")

    response = client.get("/tableau-de-bord/")

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/double-authentification/")


def test_a_later_sign_in_matches_the_sub_even_after_a_change_of_address(
    client,
    provider,  # noqa: F811
    daect_agent,
):
    sign_in(client, provider, acr="eidas2")
    client.logout()
    User.objects.filter(pk=daect_agent.pk).update(email="nouvelle.adresse@diplomatie.gouv.fr")

    response = sign_in(client, provider, acr="eidas2", email="autre@example.fr")

    assert response["Location"] == "/tableau-de-bord/"
    assert int(client.session["_auth_user_id"]) == daect_agent.pk
    assert ProConnectIdentity.objects.count() == 1


def test_an_identity_provider_trusted_for_its_domains_vouches_without_the_claim(
    client,
    provider,  # noqa: F811
    daect_agent,
):
    provider.set_user("agent-sub-1", **{**agent_claims(), "email_verified": None})

    response = sign_in(client, provider, email_verified=None, acr="eidas2")

    assert response["Location"] == "/tableau-de-bord/"


def test_an_unknown_agent_of_a_collectivity_starts_the_registration_prefilled(
    client,
    provider,  # noqa: F811
):
    collectivity = CollectivityFactory(siren="213800000", name="Commune de Grenoble")

    response = sign_in(client, provider, siret="21380000000011", email="c.agent@mairie.fr")

    assert response["Location"] == "/compte/inscription/"
    page = client.get("/compte/inscription/").content.decode()
    assert 'value="c.agent@mairie.fr"' in page
    # (The mock passes given_name only with OpenID's "profile" scope, which ProConnect has not.)
    assert 'value="Agent"' in page
    assert f'value="{collectivity.siren}"' in page
    assert not User.objects.exists() and not ProConnectIdentity.objects.exists()


def test_an_unknown_agent_of_another_organisation_gets_no_collectivity_prefilled(
    client,
    provider,  # noqa: F811
):
    response = sign_in(client, provider, siret="11000101100010", email="c.agent@ministere.fr")

    assert response["Location"] == "/compte/inscription/"
    assert "collectivity" not in client.session["proconnect_registration"]
    assert "oidc_id_token" not in client.session
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"email_verified": False}, "ne garantit pas votre adresse"),
        ({"acr": "eidas0"}, "niveau de garantie plus faible"),
        ({"acr": None}, "niveau de garantie plus faible"),
    ],
)
def test_a_refused_answer_shows_why_and_links_nothing(client, provider, daect_agent, claims, words):  # noqa: F811
    response = sign_in(client, provider, **claims)

    assert response.status_code == 403
    assert words in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not ProConnectIdentity.objects.exists()


def test_an_account_whose_address_is_not_confirmed_is_not_linked(client, provider):  # noqa: F811
    UserFactory(email="camille.agent@diplomatie.gouv.fr", email_confirmed_at=None)

    response = sign_in(client, provider)

    assert response.status_code == 403
    assert "pas encore confirmé son adresse" in response.content.decode()
    assert not ProConnectIdentity.objects.exists()


def test_a_deactivated_account_is_refused(client, provider):  # noqa: F811
    UserFactory(email="camille.agent@diplomatie.gouv.fr", is_active=False)

    response = sign_in(client, provider)

    assert response.status_code == 403
    assert not ProConnectIdentity.objects.exists()


def test_a_state_used_twice_is_refused(client, provider, daect_agent):  # noqa: F811
    provider.set_user("agent-sub-1", **agent_claims(acr="eidas2"))
    start = client.get("/proconnect/connexion/")
    authorised = requests.post(
        start["Location"], data={"sub": "agent-sub-1"}, allow_redirects=False
    )
    back = urlsplit(authorised.headers["Location"])
    client.get(f"{back.path}?{back.query}")
    client.logout()

    response = client.get(f"{back.path}?{back.query}")

    assert response.status_code == 400
    assert "inconnue ou a déjà servi" in response.content.decode()


def test_a_sign_in_cancelled_at_the_provider_says_so(client, provider):  # noqa: F811
    start = client.get("/proconnect/connexion/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]

    response = client.get(f"/proconnect/retour/?error=access_denied&state={state}")

    assert response.status_code == 403
    assert "annulée" in response.content.decode()


def test_the_sign_out_goes_through_the_providers_end_session(client, provider, daect_agent):  # noqa: F811
    sign_in(client, provider, acr="eidas2")

    response = client.post("/compte/deconnexion/")

    end = urlsplit(response["Location"])
    query = parse_qs(end.query)
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{provider.url}/oauth2/end_session"
    assert query["id_token_hint"][0].count(".") == 2
    assert query["post_logout_redirect_uri"][0].endswith("/proconnect/deconnecte/")
    assert "_auth_user_id" not in client.session
    back = client.get(f"/proconnect/deconnecte/?state={query['state'][0]}", follow=True)
    assert "déconnecté d’EXPE-CT et de ProConnect" in back.content.decode()


def test_the_sign_in_page_shows_the_proconnect_button(client):
    page = client.get("/compte/connexion/").content.decode()

    assert 'href="/proconnect/connexion/"' in page
    assert "S’identifier avec ProConnect" in page


def test_anonymising_the_account_forgets_its_proconnect_identity(client, provider, daect_agent):  # noqa: F811
    from expect.accounts import gdpr

    sign_in(client, provider, acr="eidas2")

    gdpr.anonymise(user=daect_agent, by=UserFactory(role=User.Role.DAECT, is_superuser=True))

    assert not ProConnectIdentity.objects.exists()
