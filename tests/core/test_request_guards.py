"""Requests refused before any view reads them: bodies over the cap, control characters."""

import pytest
from django.conf import settings
from django.urls import reverse

from expect.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_body_announced_over_the_cap_gets_the_413_page_unread(client):
    too_big = settings.REQUEST_BODY_MAX_SIZE + 1

    response = client.generic(
        "POST",
        reverse("accounts:register"),
        b"x" * 10,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(too_big),
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "fr-header" in page and "Requête trop volumineuse" in page
    assert "10,0" in page or "10.0" in page  # the limit, as the person reads it


def test_a_body_at_the_cap_goes_through(client):
    response = client.generic(
        "POST",
        reverse("accounts:login"),
        b"username=a%40b.fr&password=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="28",
    )

    assert response.status_code == 200


def test_the_cap_follows_the_upload_limit_plus_the_form():
    assert settings.REQUEST_BODY_MAX_SIZE == settings.MAX_UPLOAD_SIZE + 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_FORM_OVERHEAD


@pytest.mark.parametrize(
    "query",
    [{"q": "ly\x00on"}, {"q\x00": "lyon"}, {"q": "a\x1bb"}, {"q": "\x7f"}, {"page": "\x08"}],
)
def test_a_control_character_in_a_query_gets_the_400_page(client, query):
    response = client.get(reverse("labellisation:catalogue"), query)

    assert response.status_code == 400
    assert "caractère de contrôle" in response.content.decode()


def test_a_nul_byte_in_the_path_gets_the_400_page(client):
    response = client.get("/catalogue/%00/")

    assert response.status_code == 400


def test_a_nul_byte_in_a_posted_field_gets_the_400_page_and_saves_nothing(client):
    response = client.post(reverse("accounts:register"), {"first_name": "Lé\x00a", "email": "x"})

    assert response.status_code == 400
    assert not User.objects.exists()


def test_line_breaks_and_tabs_of_a_text_area_go_through(client):
    response = client.get(reverse("labellisation:catalogue"), {"q": "eau\r\n\tassainissement"})

    assert response.status_code == 200
