"""A finished action replayed by its URL is refused with a clear message, and changes nothing."""

import pytest
from django.urls import reverse

from labellisation.models import ApplicationEvent, LabelApplication
from tests.labellisation.factories import LabelApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["application_withdraw", "application_submit"])
def test_a_discarded_draft_cannot_be_withdrawn_or_submitted_by_replaying_its_url(client, action):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    client.post(reverse("labellisation:application_discard", args=[draft.pk]), {"confirmed": "1"})
    draft.refresh_from_db()
    assert draft.is_archived
    events = ApplicationEvent.objects.count()

    response = client.post(
        reverse(f"labellisation:{action}", args=[draft.pk]), {"confirmed": "1"}, follow=True
    )

    draft.refresh_from_db()
    assert draft.state == LabelApplication.State.DRAFT
    assert ApplicationEvent.objects.count() == events
    page = response.content.decode()
    assert "abandonn" in page  # « … a été abandonné(e) »


def test_a_withdrawal_replayed_is_refused(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    url = reverse("labellisation:application_withdraw", args=[draft.pk])
    client.post(url, {"confirmed": "1"})
    draft.refresh_from_db()
    assert draft.state == LabelApplication.State.WITHDRAWN
    events = ApplicationEvent.objects.count()

    response = client.post(url, {"confirmed": "1"}, follow=True)

    assert ApplicationEvent.objects.count() == events
    assert response.status_code in (200, 403, 404)
