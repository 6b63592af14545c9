"""Weak passwords are refused with a French message on every form that sets one."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WEAK = [
    ("Court-1", "trop court"),
    ("123456789012345", "entièrement numérique"),
    ("password1234", "trop courant"),
]


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_the_password_change_form_refuses_a_weak_password(client, member, password, message):
    client.force_login(member)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_the_password_reset_form_refuses_a_weak_password(client, password, message):
    user = UserFactory(email="camille@example.fr")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[-1].body)
    form_url = client.get(link.group(1))["Location"]

    response = client.post(form_url, {"new_password1": password, "new_password2": password})

    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_registration_form_refuses_a_password_close_to_the_name(client):
    response = client.post(
        reverse("accounts:register"),
        {
            "first_name": "Camille",
            "last_name": "Beaumarchais",
            "email": "camille.beaumarchais@example.fr",
            "position": "DGS",
            "preferred_language": "fr",
            "collectivity": "x",
            "certify": "on",
            "password1": "beaumarchais",
            "password2": "beaumarchais",
        },
    )

    assert "trop semblable" in response.content.decode()
