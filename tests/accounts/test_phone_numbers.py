"""Phone numbers are checked and stored the same way: French by default, international too."""

import pytest
from django.urls import reverse

from expect.core.phones import normalise

pytestmark = pytest.mark.django_db
URL = reverse("organisations:my_collectivity")


def _post(client, phone):
    return client.post(URL, {"address": "1 place de la Mairie", "phone": phone})


def test_a_bad_number_gets_a_clear_french_message_and_nothing_is_saved(client, member):
    client.force_login(member)
    response = _post(client, "abc")
    assert response.status_code == 200
    assert "Saisissez un numéro de téléphone valide" in response.content.decode()
    member.membership.collectivity.refresh_from_db()
    assert member.membership.collectivity.address == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("04 72 10 30 30", "+33472103030"),
        ("+33 4 72 10 30 30", "+33472103030"),
        ("+221 33 889 13 00", "+221338891300"),
    ],
)
def test_french_and_international_numbers_are_stored_as_e164(client, member, typed, stored):
    client.force_login(member)
    assert _post(client, typed).status_code == 302
    collectivity = member.membership.collectivity
    collectivity.refresh_from_db()
    assert collectivity.phone.as_e164 == stored


def test_the_profile_phone_is_checked_too(client, member):
    client.force_login(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'type="tel"' in page


def test_the_migration_normalises_valid_numbers_and_keeps_the_others_as_typed():
    assert normalise("04 72 10 30 30") == "+33472103030"
    assert normalise("+44 20 7946 0958") == "+442079460958"
    assert normalise("abc") == "abc"
    assert normalise("01 23") == "01 23"
