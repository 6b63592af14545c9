"""Forgotten passwords, invitations of accounts DAECT creates, and the profile page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import EmbassyAgentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)


def test_a_forgotten_password_is_replaced_through_an_emailed_link(client):
    user = UserFactory(email="camille@example.fr")
    client.post(reverse("accounts:password_reset"), {"email": "camille@example.fr"})
    assert mail.outbox[-1].to == ["camille@example.fr"]
    form_url = client.get(_link(mail.outbox[-1]))["Location"]
    new = "Un-autre-mot-de-passe-99"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "x@example.fr"})
    assert response.status_code == 302
    assert not mail.outbox


def test_daect_invites_an_embassy_agent_who_chooses_a_password(client, daect):
    agent = EmbassyAgentFactory(email_confirmed_at=None, password="!")
    client.force_login(daect)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_invitation", "_selected_action": [agent.pk]},
    )
    assert mail.outbox[-1].to == [agent.email]
    client.logout()
    form_url = client.get(_link(mail.outbox[-1]))["Location"]
    new = "Ambassade-de-France-2026"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    agent.refresh_from_db()
    assert agent.check_password(new)
    assert agent.email_confirmed_at is not None


def test_a_user_edits_their_own_profile(client, member):
    client.force_login(member)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Léa",
            "last_name": "Moreau",
            "position": "DGS",
            "phone": "",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.preferred_language) == ("Léa", "en")


def test_the_profile_cannot_change_the_role(client, member):
    client.force_login(member)
    client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Léa",
            "last_name": "Moreau",
            "preferred_language": "fr",
            "role": "daect",
            "is_staff": "on",
        },
    )
    member.refresh_from_db()
    assert member.role == "member" and not member.is_staff
