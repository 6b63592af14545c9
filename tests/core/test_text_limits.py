"""Every free text has a length limit, shown with a counter and refused beyond it in French."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from expect.core.limits import ADDRESS, LONG_TEXT

pytestmark = pytest.mark.django_db
PROJECT_APPS = {"accounts", "organisations", "labellisation", "missions", "reports"}
URL = reverse("organisations:my_collectivity")


def test_every_text_field_typed_by_a_person_has_a_max_length():
    unbounded = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None
    ]
    assert unbounded == []


def test_a_text_over_its_limit_is_refused_with_a_clear_message_and_nothing_saved(client, member):
    client.force_login(member)
    collectivity = member.membership.collectivity

    response = client.post(
        URL, {"address": "x" * (ADDRESS + 1), "international_experience": "Dakar"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Assurez-vous que cette valeur comporte au plus 1" in page
    collectivity.refresh_from_db()
    assert collectivity.international_experience == ""


def test_a_long_text_shows_its_limit_and_a_counter_the_script_updates(client, member):
    client.force_login(member)

    page = client.get(URL).content.decode()

    field = "id_international_experience"
    assert f'maxlength="{LONG_TEXT}"' in page
    assert f'aria-describedby="{field}-counter"' in page
    assert f'id="{field}-counter" data-char-counter="{LONG_TEXT}"' in page
    assert f"{LONG_TEXT} caractères au plus" in page
