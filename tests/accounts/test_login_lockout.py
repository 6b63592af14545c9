"""Sign-in throttling: five wrong passwords lock an account from one address for 30 minutes."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lockout_on(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def camille():
    return UserFactory(email="camille@example.fr")


def sign_in(client, email, password, ip="192.0.2.1", path=None):
    return client.post(
        path or reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
    )


def fail_five_times(client, email="camille@example.fr", ip="192.0.2.1"):
    for _ in range(5):
        sign_in(client, email, "pas-le-bon-mot-de-passe", ip=ip)


def test_four_wrong_passwords_still_let_the_right_one_in(client, camille):
    for _ in range(4):
        sign_in(client, camille.email, "pas-le-bon-mot-de-passe")

    assert sign_in(client, camille.email, PASSWORD).status_code == 302


def test_after_five_wrong_passwords_even_the_right_one_gets_the_lockout_page(client, camille):
    fail_five_times(client)

    response = sign_in(client, camille.email, PASSWORD)

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "fr-header" in page and reverse("accounts:password_reset") in page
    assert "_auth_user_id" not in client.session


def test_the_address_typed_in_capitals_counts_for_the_same_account(client, camille):
    fail_five_times(client, email="Camille@Example.FR")

    assert sign_in(client, camille.email, PASSWORD).status_code == 429


def test_the_lock_holds_only_for_that_account_from_that_address(client, camille):
    other = UserFactory(email="dominique@example.fr")
    fail_five_times(client)

    assert sign_in(client, camille.email, PASSWORD, ip="198.51.100.7").status_code == 302
    client.logout()
    assert sign_in(client, other.email, PASSWORD).status_code == 302


def test_the_lock_lifts_after_thirty_minutes(client, camille):
    fail_five_times(client)

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=29)):
        assert sign_in(client, camille.email, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        assert sign_in(client, camille.email, PASSWORD).status_code == 302


def test_the_limit_and_the_duration_come_from_the_settings(client, camille, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, camille.email, "pas-le-bon-mot-de-passe")

    assert sign_in(client, camille.email, PASSWORD).status_code == 429


def test_the_admin_sign_in_is_throttled_too(client, camille):
    camille.is_staff = True
    camille.save()
    admin_login = reverse("admin:login")
    fail_five_times(client)

    response = sign_in(client, camille.email, PASSWORD, path=admin_login)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_password_reset_through_the_emailed_link_lifts_the_lock(client, camille):
    fail_five_times(client, ip="127.0.0.1")
    client.post(reverse("accounts:password_reset"), {"email": camille.email})
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[-1].body)
    form_url = client.get(link.group(1))["Location"]
    new = "Un-autre-mot-de-passe-99"
    client.post(form_url, {"new_password1": new, "new_password2": new})

    assert sign_in(client, camille.email, new, ip="127.0.0.1").status_code == 302
