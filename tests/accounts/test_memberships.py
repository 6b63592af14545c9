"""Referents and DAECT confirm members; nobody acts for another collectivity."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.accounts.models import Membership
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(referent):
    return MembershipFactory(collectivity=referent.membership.collectivity)


def test_a_referent_confirms_a_member_of_their_collectivity(client, referent, pending):
    client.force_login(referent)
    response = client.post(reverse("organisations:membership_confirm", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == Membership.State.ACTIVE
    assert pending.decided_by == referent
    assert not pending.is_referent
    assert mail.outbox[-1].to == [pending.user.email]


def test_a_referent_refuses_with_a_reason(client, referent, pending):
    client.force_login(referent)
    url = reverse("organisations:membership_refuse", args=[pending.pk])
    client.post(url, {"reason": "Personne inconnue du service."})
    pending.refresh_from_db()
    assert pending.state == Membership.State.REFUSED
    assert pending.reason == "Personne inconnue du service."
    assert pending.decided_by == referent
    assert mail.outbox[-1].to == [pending.user.email]
    assert "Personne inconnue" in mail.outbox[-1].body


def test_a_refusal_needs_a_reason(client, referent, pending):
    client.force_login(referent)
    client.post(reverse("organisations:membership_refuse", args=[pending.pk]), {"reason": ""})
    pending.refresh_from_db()
    assert pending.state == Membership.State.PENDING


def test_a_referent_sees_the_members_and_the_requests_to_decide(client, referent, pending):
    other = MembershipFactory(state="active").user
    client.force_login(referent)
    page = client.get(reverse("organisations:members")).content.decode()
    assert referent.email in page and pending.user.email in page
    assert other.email not in page
    assert reverse("organisations:membership_confirm", args=[pending.pk]) in page
    assert reverse("organisations:membership_confirm", args=[referent.membership.pk]) not in page


def test_the_members_page_query_count_does_not_grow_with_members(
    client, referent, django_assert_num_queries
):
    collectivity = referent.membership.collectivity
    client.force_login(referent)
    MembershipFactory(collectivity=collectivity, state="active")
    MembershipFactory(collectivity=collectivity)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("organisations:members")).status_code == 200
    MembershipFactory.create_batch(10, collectivity=collectivity, state="active")
    MembershipFactory.create_batch(10, collectivity=collectivity)
    with django_assert_num_queries(len(few)):
        client.get(reverse("organisations:members"))


def test_a_plain_member_cannot_confirm(client, referent, pending):
    colleague = MembershipFactory(collectivity=pending.collectivity, state="active").user
    client.force_login(colleague)
    response = client.post(reverse("organisations:membership_confirm", args=[pending.pk]))
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.state == Membership.State.PENDING


def test_a_referent_of_another_collectivity_gets_a_404(client, pending):
    other = MembershipFactory(state="active", is_referent=True).user
    client.force_login(other)
    response = client.post(reverse("organisations:membership_confirm", args=[pending.pk]))
    assert response.status_code == 404


def test_confirming_needs_a_post(client, referent, pending):
    client.force_login(referent)
    response = client.get(reverse("organisations:membership_confirm", args=[pending.pk]))
    assert response.status_code == 405


def test_daect_confirms_the_first_member_who_becomes_referent(daect):
    from expect.accounts.services import membership_confirm

    first = MembershipFactory()
    membership_confirm(membership=first, by=daect)
    first.refresh_from_db()
    assert first.is_referent


def test_the_admin_action_confirms_requests(client, daect):
    first = MembershipFactory()
    client.force_login(daect)
    client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "confirm", "_selected_action": [first.pk]},
    )
    first.refresh_from_db()
    assert first.state == Membership.State.ACTIVE


def test_the_admin_refusal_asks_for_a_reason_first(client, daect):
    first = MembershipFactory()
    client.force_login(daect)
    url = reverse("admin:accounts_membership_changelist")
    page = client.post(url, {"action": "refuse", "_selected_action": [first.pk]})
    assert "Motif" in page.content.decode()
    client.post(
        url, {"action": "refuse", "_selected_action": [first.pk], "apply": "1", "reason": "Doublon"}
    )
    first.refresh_from_db()
    assert first.state == Membership.State.REFUSED
    assert first.reason == "Doublon"
