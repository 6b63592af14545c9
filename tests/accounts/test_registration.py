"""A collectivity agent registers, confirms their e-mail and waits for their referent."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from expect.accounts.models import Membership, User
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.organisations.factories import CollectivityFactory

pytestmark = pytest.mark.django_db
URL = reverse("accounts:register")


def _data(collectivity_text: str, **overrides) -> dict:
    data = {
        "first_name": "Léa",
        "last_name": "Moreau",
        "email": "lea.moreau@mairie.example.fr",
        "position": "Chargée de mission",
        "phone": "",
        "preferred_language": "fr",
        "collectivity": collectivity_text,
        "certify": "on",
        "password1": "Coopération-Décentralisée-2026",
        "password2": "Coopération-Décentralisée-2026",
    }
    return {**data, **overrides}


def test_it_registers_a_member_by_siren_and_sends_a_confirmation_link(client):
    commune = CollectivityFactory(name="Villeurbanne")
    response = client.post(URL, _data(commune.siren))
    assert response.status_code == 302
    user = User.objects.get(email="lea.moreau@mairie.example.fr")
    assert user.email_confirmed_at is None
    assert user.membership.collectivity == commune
    assert user.membership.state == Membership.State.PENDING
    assert len(mail.outbox) == 1
    assert "/compte/confirmer/" in mail.outbox[0].body


def test_it_finds_the_collectivity_by_its_name(client):
    commune = CollectivityFactory(name="Saint-Étienne")
    client.post(URL, _data("saint etienne"))
    assert User.objects.get().membership.collectivity == commune


def test_it_reads_back_a_suggestion_with_its_siren(client):
    commune = CollectivityFactory(name="Lyon")
    CollectivityFactory(name="Lyons-la-Forêt")
    client.post(URL, _data(commune.label_for_search))
    assert User.objects.get().membership.collectivity == commune


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("123456789", "n’est pas valide"),
        ("1234567", "exactement 9 chiffres"),
        ("Atlantide-sur-Mer", "Aucune collectivité"),
    ],
)
def test_it_refuses_an_unknown_or_malformed_collectivity_and_saves_nothing(client, typed, message):
    CollectivityFactory()
    response = client.post(URL, _data(typed))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


def test_it_asks_to_choose_when_several_collectivities_match(client):
    CollectivityFactory(name="Sainte-Marie", department_code="974")
    CollectivityFactory(name="Sainte-Marie", department_code="972")
    response = client.post(URL, _data("Sainte-Marie"))
    assert "Plusieurs collectivités" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "typed",
    [
        "Lea.Moreau@Mairie.Example.fr",
        "lea.moreau@mairie.example.fr",
        "ｌｅａ.moreau@mairie.example.fr",
    ],
)
def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_an_e_mail(client, typed):
    owner = UserFactory(email="lea.moreau@mairie.example.fr")
    commune = CollectivityFactory()
    fresh = client.post(URL, _data(commune.siren, email="nouvelle@mairie.example.fr"))
    mail.outbox.clear()
    client.session.flush()

    taken = client.post(URL, _data(commune.siren, email=typed))

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email=owner.email).count() == 1
    assert not Membership.objects.filter(user=owner).exists()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "quelqu’un a tenté de créer un compte" in mail.outbox[0].body.lower()


def test_it_refuses_a_weak_password(client):
    commune = CollectivityFactory()
    response = client.post(URL, _data(commune.siren, password1="12345678", password2="12345678"))
    assert response.status_code == 200
    assert not User.objects.exists()


def test_it_requires_the_certification(client):
    commune = CollectivityFactory()
    data = _data(commune.siren)
    del data["certify"]
    response = client.post(URL, data)
    assert "Veuillez certifier" in response.content.decode()


def _confirm_link(message) -> str:
    return re.search(r"https?://[^/]+(/compte/confirmer/[^\s]+/)", message.body).group(1)


def test_confirming_the_email_asks_the_referent(client):
    referent = MembershipFactory(state="active", is_referent=True).user
    client.post(URL, _data(referent.membership.collectivity.siren))
    link = _confirm_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a page with a button, nothing confirmed yet
    assert User.objects.get(email="lea.moreau@mairie.example.fr").email_confirmed_at is None
    client.post(link)
    assert User.objects.get(email="lea.moreau@mairie.example.fr").email_confirmed_at
    assert mail.outbox[-1].to == [referent.email]


def test_confirming_asks_daect_when_the_collectivity_has_no_referent(client, daect):
    commune = CollectivityFactory()
    client.post(URL, _data(commune.siren))
    client.post(_confirm_link(mail.outbox[0]))
    assert mail.outbox[-1].to == [daect.email]
    assert "/admin/accounts/membership/" in mail.outbox[-1].body


def test_a_confirmation_link_works_once(client):
    commune = CollectivityFactory()
    client.post(URL, _data(commune.siren))
    link = _confirm_link(mail.outbox[0])
    client.post(link)
    assert client.post(link).status_code == 400


def test_an_unconfirmed_account_cannot_sign_in_and_is_told_why(client):
    UserFactory(email="new@example.fr", email_confirmed_at=None)
    response = client.post(
        reverse("accounts:login"),
        {"username": "new@example.fr", "password": "Un-mot-de-passe-solide-42"},
    )
    assert "pas encore confirmée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_ignores_the_case_of_the_email(client):
    UserFactory(email="camille@example.fr")
    response = client.post(
        reverse("accounts:login"),
        {"username": "Camille@Example.FR", "password": "Un-mot-de-passe-solide-42"},
    )
    assert response.status_code == 302


def test_it_only_accepts_get_and_post(client):
    assert client.put(URL).status_code == 405


def test_plain_text_emails_are_not_html_escaped(client):
    commune = CollectivityFactory(name="L'Abergement-Clémenciat")
    client.post(URL, _data(commune.siren, first_name="Jeanne d'Arc"))
    assert "Jeanne d'Arc" in mail.outbox[0].body
    assert "&#x27;" not in mail.outbox[0].body
    assert "&#x27;" not in mail.outbox[0].subject
