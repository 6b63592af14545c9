"""The security page: one's passkeys, renamed and revoked; another's are not found."""

import pytest
from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp_webauthn.models import WebAuthnCredential

from expect.accounts import passkeys
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def a_passkey(user, name="Clé d’accès 1") -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=f"credential-{user.pk}-{name}".encode(),
        public_key=b"cose-public-key",
        sign_count=0,
    )


def sign_in(client, user, passkey: WebAuthnCredential) -> None:
    """Signed in, the session verified by this passkey (a person with one owes their second
    factor)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = passkey.persistent_id
    session.save()


def test_the_security_page_lists_ones_passkeys_only(client):
    agent, other = UserFactory(), UserFactory()
    sign_in(client, agent, a_passkey(agent, "Ordinateur du bureau"))
    a_passkey(other, "Téléphone d’un autre")

    page = client.get("/compte/profil/securite/").content.decode()

    assert "Ordinateur du bureau" in page
    assert "Téléphone d’un autre" not in page


def test_an_agent_renames_a_passkey(client):
    agent = UserFactory()
    passkey = a_passkey(agent)
    sign_in(client, agent, passkey)

    client.post(f"/compte/profil/securite/{passkey.pk}/", {"name": "  Clé de sécurité  "})

    passkey.refresh_from_db()
    assert passkey.name == "Clé de sécurité"


def test_an_empty_name_is_refused_and_keeps_the_old_one(client):
    agent = UserFactory()
    passkey = a_passkey(agent)
    sign_in(client, agent, passkey)

    response = client.post(f"/compte/profil/securite/{passkey.pk}/", {"name": ""}, follow=True)

    passkey.refresh_from_db()
    assert passkey.name == "Clé d’accès 1"
    assert "64 caractères au plus" in response.content.decode()


def test_an_agent_revokes_a_passkey(client):
    agent = UserFactory()
    passkey = a_passkey(agent)
    sign_in(client, agent, passkey)

    client.post(f"/compte/profil/securite/{passkey.pk}/", {"revoke": "1"})

    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_another_persons_passkey_is_not_found(client):
    agent = UserFactory()
    sign_in(client, agent, a_passkey(agent, "La sienne"))
    passkey = a_passkey(UserFactory())

    response = client.post(f"/compte/profil/securite/{passkey.pk}/", {"revoke": "1"})

    assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_a_new_passkey_is_named_and_its_owner_told(django_capture_on_commit_callbacks):
    agent = UserFactory()
    a_passkey(agent, "Clé d’accès 1")
    passkey = a_passkey(agent, "")

    with django_capture_on_commit_callbacks(execute=True):
        passkeys.enrolled(user=agent, pk=passkey.pk)

    passkey.refresh_from_db()
    assert passkey.name == "Clé d’accès 2"
    assert mail.outbox[-1].to == [agent.email]
    assert "Clé d’accès 2" in mail.outbox[-1].body


def test_a_passkey_counts_as_a_second_factor_device():
    from expect.accounts import second_factor

    agent = UserFactory()
    a_passkey(agent)

    assert second_factor.has_device(agent)
