"""A member whose membership waits prepares a draft, and submits it once confirmed."""

import pytest
from django.urls import reverse

from expect.accounts import services as account_services
from labellisation.models import LabelApplication
from tests.accounts.factories import MembershipFactory
from tests.labellisation.factories import complete_application
from tests.organisations.factories import ThemeFactory

pytestmark = pytest.mark.django_db
CONFIRMED = {"confirmed": "1"}


@pytest.fixture
def referent():
    return MembershipFactory(state="active", is_referent=True)


@pytest.fixture
def pending(referent):
    return MembershipFactory(state="pending", collectivity=referent.collectivity).user


def test_the_applications_page_explains_who_confirms_and_how_long(client, pending, referent):
    client.force_login(pending)
    response = client.get(reverse("labellisation:application_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert referent.user.get_full_name() in page
    assert "3" in page and "7" in page
    assert reverse("labellisation:application_create") in page


def test_without_a_referent_daect_is_named(client):
    pending = MembershipFactory(state="pending").user
    client.force_login(pending)
    page = client.get(reverse("labellisation:application_list")).content.decode()
    assert "DAECT" in page


def test_a_pending_member_starts_a_draft_for_their_collectivity(client, pending):
    theme = ThemeFactory()
    client.force_login(pending)
    response = client.post(
        reverse("labellisation:application_create"),
        {"theme": theme.pk, "expertise": "Centres de santé municipaux."},
    )
    assert response.status_code == 302
    draft = LabelApplication.objects.get(created_by=pending)
    assert draft.collectivity == pending.membership.collectivity
    step = reverse("labellisation:application_step", args=[draft.pk, "cooperation"])
    assert client.get(step).status_code == 200


def test_the_draft_cannot_be_submitted_until_the_membership_is_confirmed(client, pending, referent):
    draft = complete_application(created_by=pending, collectivity=pending.membership.collectivity)
    client.force_login(pending)
    submit = reverse("labellisation:application_submit", args=[draft.pk])
    response = client.post(submit, CONFIRMED, follow=True)
    draft.refresh_from_db()
    assert draft.state == LabelApplication.State.DRAFT
    assert "pas encore confirmé" in response.content.decode()

    account_services.membership_confirm(membership=pending.membership, by=referent.user)
    pending.refresh_from_db()
    client.force_login(pending)
    client.post(submit, CONFIRMED)
    draft.refresh_from_db()
    assert draft.state == LabelApplication.State.SUBMITTED


def test_a_pending_member_sees_no_other_dossier_of_the_collectivity(client, pending, referent):
    other = complete_application(created_by=referent.user, collectivity=referent.collectivity)
    client.force_login(pending)
    url = reverse("labellisation:application_detail", args=[other.pk])
    assert client.get(url).status_code == 404
    step = reverse("labellisation:application_step", args=[other.pk, "expertise"])
    assert client.get(step).status_code == 404
