"""Sessions end after a working day without activity, and with a password change elsewhere."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

HOUR = timezone.timedelta(hours=1)


def is_signed_in(client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def test_a_session_idle_for_more_than_a_working_day_ends(client, member):
    client.force_login(member)
    start = timezone.now()

    with time_machine.travel(start + 8 * HOUR + timezone.timedelta(minutes=1)):
        assert not is_signed_in(client)


def test_each_visit_gives_the_session_another_working_day(client, member):
    client.force_login(member)
    start = timezone.now()

    for hours in (6, 12, 18):
        with time_machine.travel(start + hours * HOUR):
            assert is_signed_in(client)


def test_changing_the_password_signs_out_the_other_sessions_only(client, member):
    from django.test import Client

    other_browser = Client()
    other_browser.force_login(member)
    client.force_login(member)
    new = "Un-autre-mot-de-passe-99"

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(other_browser)
