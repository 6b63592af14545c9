"""A member edits their own collectivity's profile, and only theirs."""

import pytest
from django.urls import reverse

from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory

pytestmark = pytest.mark.django_db
URL = reverse("organisations:my_collectivity")


def test_a_member_sees_and_edits_their_collectivity(client, member):
    client.force_login(member)
    collectivity = member.membership.collectivity
    assert collectivity.name in client.get(URL).content.decode()
    response = client.post(
        URL,
        {
            "address": "1 place de la Mairie",
            "email": "ri@ville.fr",
            "languages": ["fr", "es"],
            "international_experience": "Dakar",
        },
    )
    assert response.status_code == 302
    collectivity.refresh_from_db()
    assert collectivity.email == "ri@ville.fr"
    assert set(collectivity.languages.values_list("code", flat=True)) == {"fr", "es"}


def test_a_member_cannot_reach_another_collectivity(client, member):
    other = MembershipFactory(state="active").user.membership.collectivity
    client.force_login(member)
    page = client.get(URL).content.decode()
    assert other.name not in page
    client.post(URL, {"email": "pirate@example.fr"})
    other.refresh_from_db()
    assert other.email == ""


def test_a_pending_member_is_told_why_and_sees_nothing_of_the_collectivity(client):
    pending = MembershipFactory().user
    collectivity = pending.membership.collectivity
    collectivity.email = "ri@ville.fr"
    collectivity.save()
    client.force_login(pending)
    for url in (URL, reverse("organisations:members")):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "attend d’être confirmé" in page or "awaits confirmation" in page
        assert "ri@ville.fr" not in page
    client.post(URL, {"email": "pirate@example.fr"})
    collectivity.refresh_from_db()
    assert collectivity.email == "ri@ville.fr"


def test_an_embassy_agent_has_no_collectivity(client):
    client.force_login(EmbassyAgentFactory())
    assert client.get(URL).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_invalid_email_is_refused_and_nothing_saved(client, member):
    client.force_login(member)
    response = client.post(URL, {"email": "pas-une-adresse"})
    assert response.status_code == 200
    member.membership.collectivity.refresh_from_db()
    assert member.membership.collectivity.email == ""
