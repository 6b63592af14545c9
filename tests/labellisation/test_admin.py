"""DAECT reviews and decides applications from the admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from labellisation import services
from labellisation.models import Label, LabelApplication
from tests.labellisation.factories import complete_application

pytestmark = pytest.mark.django_db
URL = reverse("admin:labellisation_labelapplication_changelist")


@pytest.fixture
def submitted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = complete_application()
    return services.application_submit(application=draft, by=draft.created_by)


def test_daect_starts_the_review_then_grants_with_a_comment(client, daect, submitted):
    client.force_login(daect)
    client.post(URL, {"action": "start_review", "_selected_action": [submitted.pk]})
    client.post(
        URL,
        {
            "action": "grant",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "reason": "Expertise reconnue",
        },
    )
    submitted.refresh_from_db()
    assert submitted.state == LabelApplication.State.GRANTED
    assert Label.objects.get().application == submitted


def test_a_transition_from_the_wrong_state_is_reported_not_applied(client, daect, submitted):
    client.force_login(daect)
    response = client.post(
        URL,
        {"action": "grant", "_selected_action": [submitted.pk], "apply": "1", "reason": ""},
        follow=True,
    )
    assert "pas possible" in response.content.decode()
    assert not Label.objects.exists()


def test_a_member_cannot_open_the_admin(client, member):
    client.force_login(member)
    assert client.get(URL).status_code == 302


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_query_count_does_not_grow_with_rows(client, daect, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(daect)
    complete_application()
    few = _count(client)
    for _ in range(15):
        complete_application()
    assert _count(client) == few
