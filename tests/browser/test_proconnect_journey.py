"""A public agent signs in through ProConnect (a real OpenID Connect provider on loopback)."""

import pytest

from expect.accounts.models import ProConnectIdentity
from tests.accounts.factories import UserFactory
from tests.accounts.proconnect_provider import proconnect, provider  # noqa: F401
from tests.accounts.test_proconnect_sign_in import agent_claims

pytestmark = pytest.mark.usefixtures("proconnect")


@pytest.fixture
def portal(proconnect, live_server):  # noqa: F811
    proconnect.SITE_URL = live_server.url
    return proconnect


def through_proconnect(visitor, provider, sub: str, **claims):  # noqa: F811
    """From the sign-in page to ProConnect's, where the agent authorises; back on the portal."""
    provider.set_user(sub, **agent_claims(**claims))
    page = visitor.goto("/compte/connexion/")
    visitor.check_zoom_and_reflow()
    with page.expect_navigation():
        page.get_by_role("link", name="S’identifier avec ProConnect").click()
    assert page.url.startswith(provider.url)
    page.locator("input[name=sub]").fill(sub)
    with page.expect_navigation(url=lambda url: not url.startswith(provider.url)):
        page.get_by_role("button", name="Authorize").click()
    # The test provider's own pages are not the portal's: their policy is not ours to check.
    visitor.csp_problems = [p for p in visitor.csp_problems if not p.startswith(provider.url)]
    visitor.check_accessibility()
    visitor.check_content_security_policy()
    return page


@pytest.mark.usefixtures("portal")
def test_a_daect_agent_signs_in_with_proconnect_and_lands_on_the_dashboard(visitor, provider):  # noqa: F811
    agent = UserFactory(email="camille.agent@diplomatie.gouv.fr", role="daect", is_staff=True)

    page = through_proconnect(visitor, provider, "agent-daect", acr="eidas2")

    assert page.url.endswith("/tableau-de-bord/")
    assert ProConnectIdentity.objects.filter(user=agent, sub="agent-daect").exists()
    page = visitor.goto("/admin/")
    assert page.url.endswith("/admin/")


@pytest.mark.usefixtures("portal")
def test_a_password_level_at_proconnect_still_asks_for_the_second_factor(visitor, provider):  # noqa: F811
    UserFactory(email="camille.agent@diplomatie.gouv.fr", role="daect", is_staff=True)

    page = through_proconnect(visitor, provider, "agent-daect-2", acr="eidas1")

    assert "/compte/double-authentification/" in page.url


@pytest.mark.usefixtures("portal")
def test_an_unverified_address_gets_a_clear_page_and_no_account(visitor, provider):  # noqa: F811
    UserFactory(email="camille.agent@diplomatie.gouv.fr")

    page = through_proconnect(visitor, provider, "agent-unverified", email_verified=False)

    assert "ProConnect ne garantit pas votre adresse" in page.locator("main").inner_text()
    assert not ProConnectIdentity.objects.exists()


@pytest.mark.usefixtures("portal")
def test_signing_out_ends_the_proconnect_session_too(visitor, provider):  # noqa: F811
    UserFactory(email="camille.agent@diplomatie.gouv.fr", role="daect", is_staff=True)
    page = through_proconnect(visitor, provider, "agent-leaving", acr="eidas2")

    with page.expect_navigation(url=lambda url: url.startswith(provider.url)):
        page.get_by_role("button", name="Se déconnecter").click()
    with page.expect_navigation(url=lambda url: not url.startswith(provider.url)):
        page.get_by_role("button", name="End session").click()
    visitor.csp_problems = [p for p in visitor.csp_problems if not p.startswith(provider.url)]

    assert "Vous êtes déconnecté d’EXPE-CT et de ProConnect" in page.locator("body").inner_text()
