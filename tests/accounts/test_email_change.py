"""Changing one's e-mail address: both addresses confirm, both are told once it is done."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from expect.accounts.models import EmailChange
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "camille.nouvelle@example.fr"


@pytest.fixture
def camille(client):
    user = UserFactory(email="camille@example.fr")
    client.force_login(user)
    return user


def ask(client, new_email=NEW, password=PASSWORD):
    return client.post(
        reverse("accounts:email_change"), {"new_email": new_email, "password": password}
    )


def link_sent_to(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    return re.search(r"https?://[^/]+(/compte/adresse/confirmer/\S+/)", message.body).group(1)


def test_asking_sends_a_link_to_each_address_and_changes_nothing_yet(client, camille):
    response = ask(client)

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["camille.nouvelle@example.fr", camille.email]
    camille.refresh_from_db()
    assert camille.email == "camille@example.fr"


def test_the_new_address_alone_does_not_change_the_account(client, camille):
    ask(client)

    client.post(link_sent_to(NEW))

    camille.refresh_from_db()
    assert camille.email == "camille@example.fr"
    assert EmailChange.objects.get(user=camille).new_confirmed_at is not None


@pytest.mark.parametrize("order", [("new", "old"), ("old", "new")])
def test_once_both_addresses_confirm_the_account_uses_the_new_one(client, camille, order):
    ask(client)
    links = {"new": link_sent_to(NEW), "old": link_sent_to("camille@example.fr")}
    mail.outbox.clear()

    for side in order:
        client.post(links[side])

    camille.refresh_from_db()
    assert camille.email == NEW
    assert not EmailChange.objects.exists()
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(
        [NEW, "camille@example.fr"]
    )
    assert client.login(username=NEW, password=PASSWORD)


def test_opening_the_link_confirms_nothing_until_the_button_is_pressed(client, camille):
    ask(client)

    response = client.get(link_sent_to(NEW))

    assert response.status_code == 200
    assert EmailChange.objects.get(user=camille).new_confirmed_at is None


def test_an_address_of_another_account_is_refused_whatever_its_case(client, camille):
    UserFactory(email="dominique@example.fr")

    response = ask(client, new_email="Dominique@Example.FR")

    assert response.status_code == 200
    assert response.context["form"].errors["new_email"]
    assert not mail.outbox and not EmailChange.objects.exists()


def test_the_current_address_is_refused(client, camille):
    response = ask(client, new_email="CAMILLE@example.fr")

    assert response.context["form"].errors["new_email"]
    assert not EmailChange.objects.exists()


def test_a_wrong_password_is_refused(client, camille):
    response = ask(client, password="pas-le-bon")

    assert response.context["form"].errors["password"]
    assert not mail.outbox and not EmailChange.objects.exists()


def test_a_link_works_once(client, camille):
    ask(client)
    link = link_sent_to(NEW)
    client.post(link)

    response = client.post(link)

    assert response.status_code == 400


def test_a_link_expires_after_a_day(client, camille):
    ask(client)
    link = link_sent_to(NEW)

    with time_machine.travel(timezone.now() + timezone.timedelta(days=1, minutes=1)):
        response = client.post(link)

    assert response.status_code == 400
    assert EmailChange.objects.get(user=camille).new_confirmed_at is None


def test_an_altered_link_is_refused(client, camille):
    ask(client)
    link = link_sent_to(NEW)

    response = client.post(link.replace("/confirmer/", "/confirmer/x"))

    assert response.status_code == 400


def test_a_newer_request_voids_the_links_of_the_earlier_one(client, camille):
    ask(client)
    old_links = [link_sent_to(NEW), link_sent_to("camille@example.fr")]
    ask(client, new_email="camille.autre@example.fr")

    for link in old_links:
        assert client.post(link).status_code == 400
    camille.refresh_from_db()
    assert camille.email == "camille@example.fr"


def test_if_another_account_took_the_address_meanwhile_the_change_is_cancelled(client, camille):
    ask(client)
    links = [link_sent_to(NEW), link_sent_to("camille@example.fr")]
    UserFactory(email=NEW)

    for link in links:
        client.post(link)

    camille.refresh_from_db()
    assert camille.email == "camille@example.fr"
    assert not EmailChange.objects.exists()


def test_the_person_may_cancel_a_pending_change(client, camille):
    ask(client)
    link = link_sent_to(NEW)

    client.post(reverse("accounts:email_change_cancel"))

    assert not EmailChange.objects.exists()
    assert client.post(link).status_code == 400


def test_cancelling_is_post_only(client, camille):
    assert client.get(reverse("accounts:email_change_cancel")).status_code == 405


def test_a_visitor_must_sign_in_to_ask(client):
    response = client.get(reverse("accounts:email_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_profile_shows_the_pending_change(client, camille):
    ask(client)

    page = client.get(reverse("accounts:profile")).content.decode()

    assert NEW in page
