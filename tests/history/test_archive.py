"""Nothing of the programme's record is deleted from the interface: it is archived."""

import pytest
from django.urls import reverse

from labellisation.models import LabelApplication
from missions.models import MissionRequest
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.labellisation.factories import LabelApplicationFactory, LabelFactory
from tests.missions.factories import MissionFactory, MissionRequestFactory
from tests.reports.factories import MissionReportFactory

# The applicant confirmed the action (in the modal, or on the confirmation page).
CONFIRMED = {"confirmed": "1"}

pytestmark = pytest.mark.django_db

RECORDS = {
    "labellisation_labelapplication": LabelApplicationFactory,
    "labellisation_label": LabelFactory,
    "missions_missionrequest": MissionRequestFactory,
    "missions_mission": MissionFactory,
    "reports_missionreport": MissionReportFactory,
}


@pytest.mark.parametrize("name", RECORDS)
def test_even_a_superuser_cannot_delete_a_record(staff_client, name):
    obj = RECORDS[name]()
    response = staff_client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("name", RECORDS)
def test_the_lists_offer_archive_and_restore_but_no_delete(staff_client, name):
    RECORDS[name]()
    actions = staff_client.get(reverse(f"admin:{name}_changelist")).context["action_form"]
    choices = [value for value, _label in actions.fields["action"].choices]
    assert "delete_selected" not in choices
    assert {"archive_selected", "restore_selected"} <= set(choices)


def test_a_person_cannot_be_deleted_either(staff_client):
    person = UserFactory()
    url = reverse("admin:accounts_user_delete", args=[person.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403


def _act(client, name: str, action: str, obj) -> None:
    url = reverse(f"admin:{name}_changelist")
    client.post(url, {"action": action, "_selected_action": [obj.pk]})


def test_daect_archives_then_restores_a_mission_with_history(staff_client, daect):
    mission = MissionFactory()
    _act(staff_client, "missions_mission", "archive_selected", mission)
    mission.refresh_from_db()
    assert mission.archived_by == daect and mission.archived_at is not None
    archived = staff_client.get(reverse("admin:missions_mission_changelist") + "?archived=yes")
    assert list(archived.context["cl"].result_list) == [mission]
    _act(staff_client, "missions_mission", "restore_selected", mission)
    mission.refresh_from_db()
    assert mission.archived_at is None
    reasons = list(mission.history.values_list("history_change_reason", "history_user"))
    assert reasons[:2] == [("restored", daect.pk), ("archived", daect.pk)]


def test_an_archived_dossier_leaves_the_members_list(client, staff_client):
    application = LabelApplicationFactory()
    _act(staff_client, "labellisation_labelapplication", "archive_selected", application)
    client.force_login(application.created_by)
    listing = client.get(reverse("labellisation:application_list"))
    assert application not in listing.context["applications"]


def test_a_member_discards_a_draft_which_is_archived_not_deleted(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    response = client.post(reverse("labellisation:application_discard", args=[draft.pk]), CONFIRMED)
    assert response["Location"] == reverse("labellisation:application_list")
    draft.refresh_from_db()
    assert draft.archived_by == draft.created_by
    assert draft.history.first().history_change_reason == "discarded"
    listing = client.get(reverse("labellisation:application_list"))
    assert draft not in listing.context["applications"]
    # The discarded draft no longer holds the theme: a new application may start on it.
    client.post(
        reverse("labellisation:application_create"),
        {"theme": draft.theme.pk, "expertise": "Nouvelle rédaction"},
    )
    assert LabelApplication.objects.filter(theme=draft.theme).count() == 2


def test_a_discarded_draft_can_no_longer_be_submitted(client):
    draft = LabelApplicationFactory(archived_at="2026-01-01T00:00Z")
    client.force_login(draft.created_by)
    client.post(reverse("labellisation:application_submit", args=[draft.pk]), CONFIRMED)
    draft.refresh_from_db()
    assert draft.state == LabelApplication.State.DRAFT


def test_a_submitted_application_cannot_be_discarded(client):
    application = LabelApplicationFactory(state=LabelApplication.State.SUBMITTED)
    client.force_login(application.created_by)
    response = client.post(
        reverse("labellisation:application_discard", args=[application.pk]), CONFIRMED
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.archived_at is None


def test_another_collectivity_cannot_discard_a_draft(client):
    draft = LabelApplicationFactory()
    client.force_login(MembershipFactory(state="active").user)
    response = client.post(reverse("labellisation:application_discard", args=[draft.pk]), CONFIRMED)
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.archived_at is None


def test_discarding_is_a_post(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    response = client.get(reverse("labellisation:application_discard", args=[draft.pk]))
    assert response.status_code == 405


def test_an_embassy_discards_a_draft_need(client):
    need = MissionRequestFactory()
    client.force_login(need.created_by)
    response = client.post(reverse("missions:request_discard", args=[need.pk]))
    assert response["Location"] == reverse("missions:request_list")
    need.refresh_from_db()
    assert need.is_archived and not need.is_editable
    listing = client.get(reverse("missions:request_list"))
    assert need not in listing.context["page_obj"].object_list
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("missions:request_detail", args=[need.pk]) not in dashboard


def test_a_submitted_need_cannot_be_discarded(client):
    need = MissionRequestFactory(state=MissionRequest.State.SUBMITTED)
    client.force_login(need.created_by)
    response = client.post(reverse("missions:request_discard", args=[need.pk]))
    assert response.status_code == 403
    need.refresh_from_db()
    assert need.archived_at is None


def test_the_draft_page_offers_to_discard_it(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    page = client.get(reverse("labellisation:application_detail", args=[draft.pk]))
    assert reverse("labellisation:application_discard", args=[draft.pk]) in page.content.decode()


def test_the_draft_need_page_offers_to_discard_it(client):
    need = MissionRequestFactory()
    client.force_login(need.created_by)
    page = client.get(reverse("missions:request_detail", args=[need.pk]))
    assert reverse("missions:request_discard", args=[need.pk]) in page.content.decode()
