"""An agent adds a passkey (Chromium's virtual authenticator) and signs in with it."""

import pytest
from django.core import mail
from django_otp_webauthn.models import WebAuthnCredential

from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture
def authenticator(visitor, settings, live_server):
    """A platform authenticator that keeps passkeys and checks the person (fingerprint)."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp = visitor.page.context.new_cdp_session(visitor.page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    found = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    yield found["authenticatorId"]
    cdp.send("WebAuthn.disable")


@pytest.mark.usefixtures("authenticator")
def test_a_daect_agent_adds_a_passkey_and_signs_in_with_it(visitor, transactional_db):
    agent = UserFactory(email="agent.cle@example.fr", role="daect", is_staff=True)
    visitor.sign_in("agent.cle@example.fr", PASSWORD)

    page = visitor.goto("/compte/profil/securite/")
    visitor.check_zoom_and_reflow()
    with page.expect_navigation():  # the page is read again once the passkey is kept
        page.get_by_role("button", name="Ajouter une clé d’accès").click()
    visitor.check_accessibility()
    assert page.get_by_role("heading", name="Clé d’accès 1").is_visible()
    assert WebAuthnCredential.objects.filter(user=agent, confirmed=True).count() == 1
    assert "clé d’accès" in mail.outbox[-1].subject.lower()

    visitor.sign_out()
    page = visitor.goto("/compte/connexion/")
    with page.expect_navigation(url=lambda url: "/compte/connexion/" not in url):
        page.get_by_role("button", name="Se connecter avec une clé d’accès").click()

    assert page.url.endswith("/tableau-de-bord/")
    page = visitor.goto("/admin/")  # the passkey gave the second factor too
    assert page.url.endswith("/admin/")


@pytest.mark.usefixtures("authenticator")
def test_after_the_password_a_passkey_gives_the_second_factor(visitor, transactional_db):
    UserFactory(email="agent.mfa@example.fr", role="daect", is_staff=True)
    visitor.sign_in("agent.mfa@example.fr", PASSWORD)
    page = visitor.goto("/compte/profil/securite/")
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter une clé d’accès").click()
    visitor.sign_out()

    page = visitor.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill("agent.mfa@example.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page = visitor.click("Se connecter")
    assert "/compte/double-authentification/" in page.url
    with page.expect_navigation(url=lambda url: "/double-authentification/" not in url):
        page.get_by_role("button", name="Vérifier avec une clé d’accès").click()

    assert page.url.endswith("/tableau-de-bord/")


@pytest.mark.usefixtures("authenticator")
def test_an_agent_renames_and_revokes_a_passkey(visitor, transactional_db):
    UserFactory(email="membre.cle@example.fr")
    visitor.sign_in("membre.cle@example.fr", PASSWORD)
    page = visitor.goto("/compte/profil/securite/")
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter une clé d’accès").click()

    page.get_by_label("Nom").fill("Ordinateur du bureau")
    page = visitor.click("Renommer")
    assert page.get_by_role("heading", name="Ordinateur du bureau").is_visible()
    page = visitor.click("Révoquer « Ordinateur du bureau »")

    assert "Aucune clé d’accès" in page.locator("main").inner_text()
    assert not WebAuthnCredential.objects.exists()
