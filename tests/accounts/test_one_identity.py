"""One person, one account, one lockout: every spelling PostgreSQL folds is the same address.

PostgreSQL's case-insensitive comparison (UPPER) turns "ſ" into "S" and "ı" into "I";
Unicode has a Kelvin sign "K", full-width letters and combining accents for the same
text. Each is tried where an address is typed: sign-in, lockout, registration, password
reset, address change and the naming of a new expert.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from expect.accounts.models import User
from expect.core.addresses import canonical_email
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organisations.factories import CollectivityFactory

pytestmark = pytest.mark.django_db

# (the address of the account, the same address written otherwise)
SPELLINGS = [
    pytest.param("sisi@example.fr", "ſiſi@example.fr", id="long s"),
    pytest.param("ivan@example.fr", "ıvan@example.fr", id="dotless i"),
    pytest.param("kim@example.fr", "\u212aim@example.fr", id="kelvin sign"),
    pytest.param("anne@example.fr", "ａｎｎｅ@ｅｘａｍｐｌｅ.ｆｒ", id="full-width"),
    pytest.param("lea@mairie-de-sète.fr", "lea@mairie-de-se\u0300te.fr", id="combining accent"),
    pytest.param("lea@mairie-de-sète.fr", "LEA@Mairie-de-SÈTE.fr", id="capitals"),
    pytest.param("strasse@example.fr", "STRAßE@example.fr", id="sharp s"),
]


@pytest.fixture(autouse=True)
def _lockout_on(settings):
    settings.AXES_ENABLED = True


def sign_in(client, email, password, ip="192.0.2.1"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.parametrize(("stored", "typed"), SPELLINGS)
def test_both_spellings_have_one_canonical_form(stored, typed):
    assert canonical_email(typed) == canonical_email(stored) == stored


@pytest.mark.parametrize(("stored", "typed"), SPELLINGS)
def test_the_other_spelling_signs_in_to_the_same_account(client, stored, typed):
    person = UserFactory(email=stored)

    assert sign_in(client, typed, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


@pytest.mark.parametrize(("stored", "typed"), SPELLINGS)
def test_five_failures_in_one_spelling_lock_the_other(client, stored, typed):
    UserFactory(email=stored)
    for _ in range(5):
        sign_in(client, stored, "pas-le-bon-mot-de-passe")

    assert sign_in(client, typed, PASSWORD).status_code == 429


@pytest.mark.parametrize(("stored", "typed"), SPELLINGS)
def test_failures_in_mixed_spellings_add_up_to_one_lockout(client, stored, typed):
    UserFactory(email=stored)
    for spelling in (typed, stored, typed, stored, typed):
        sign_in(client, spelling, "pas-le-bon-mot-de-passe")

    assert sign_in(client, stored, PASSWORD).status_code == 429


@pytest.mark.parametrize(("stored", "typed"), SPELLINGS)
def test_registering_the_other_spelling_creates_no_second_account(client, stored, typed):
    owner = UserFactory(email=stored)
    commune = CollectivityFactory()
    data = {
        "first_name": "Léa",
        "last_name": "Moreau",
        "email": typed,
        "position": "Chargée de mission",
        "preferred_language": "fr",
        "collectivity": commune.siren,
        "certify": "on",
        "password1": "Coopération-Décentralisée-2026",
        "password2": "Coopération-Décentralisée-2026",
    }

    response = client.post(reverse("accounts:register"), data)

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]


@pytest.mark.parametrize(("stored", "typed"), SPELLINGS)
def test_a_password_reset_in_the_other_spelling_reaches_the_account(client, stored, typed):
    UserFactory(email=stored)

    client.post(reverse("accounts:password_reset"), {"email": typed})

    assert [m.to for m in mail.outbox] == [[stored]]
    assert re.search(r"/compte/mot-de-passe/nouveau/\S+/", mail.outbox[0].body)


@pytest.mark.parametrize(("stored", "typed"), SPELLINGS)
def test_the_other_spelling_of_another_account_cannot_be_taken_as_a_new_address(
    client, stored, typed
):
    UserFactory(email=stored)
    camille = UserFactory(email="camille@example.fr")
    client.force_login(camille)

    response = client.post(
        reverse("accounts:email_change"), {"new_email": typed, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Un autre compte utilise déjà cette adresse" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(("stored", "typed"), SPELLINGS)
def test_a_lookup_in_the_other_spelling_finds_the_stored_address(stored, typed):
    person = UserFactory(email=typed)  # saved in its canonical spelling

    assert person.email == stored
    assert User.objects.get(email__iexact=typed) == person
    assert User.objects.get_by_natural_key(typed) == person


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("x@" + "é" * 62 + ".fr", id="label too long once encoded"),
        pytest.param("x@exa\u00admple.fr", id="soft hyphen"),
        pytest.param("x@exa\u2028mple.fr", id="line separator"),
        pytest.param("x@ab\ufffdc.fr", id="replacement character"),
        pytest.param("élodie@example.fr", id="accent before the @"),
        pytest.param("x\u200d@example.fr", id="zero-width joiner"),
    ],
)
def test_an_address_no_message_can_reach_is_refused_with_a_clear_message(client, address):
    camille = UserFactory(email="camille@example.fr")
    client.force_login(camille)

    response = client.post(
        reverse("accounts:email_change"), {"new_email": address, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "ne peut pas recevoir nos messages" in response.content.decode()
    assert mail.outbox == []
