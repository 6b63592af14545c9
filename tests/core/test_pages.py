"""Public pages, the dashboard and the language switch."""

import pytest
from django.urls import reverse

from tests.accounts.factories import EmbassyAgentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "core:home",
        "core:accessibility",
        "core:legal",
        "core:privacy",
        "accounts:login",
        "accounts:register",
    ],
)
def test_public_pages_answer_in_french(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_the_home_page_lists_the_themes(client):
    page = client.get(reverse("core:home")).content.decode()
    assert "Gouvernance locale et décentralisation" in page
    assert reverse("core:accessibility") in page


def test_the_language_switch_turns_the_site_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en"' in page
    assert "How does it work?" in page


def test_the_dashboard_needs_a_sign_in(client):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302


def test_a_pending_member_is_told_to_wait(client):
    from tests.accounts.factories import MembershipFactory

    client.force_login(MembershipFactory().user)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "attend la confirmation" in page


def test_an_embassy_agent_sees_their_embassy(client):
    agent = EmbassyAgentFactory()
    client.force_login(agent)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert agent.embassy.name in page


def test_an_unknown_page_is_a_dsfr_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_the_dashboard_refuses_post(client, member):
    client.force_login(member)
    assert client.post(reverse("core:dashboard")).status_code == 405
