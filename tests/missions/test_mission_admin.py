"""DAECT moves needs, proposals and missions from the back office."""

import datetime
import io

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from missions import services
from missions.models import (
    BudgetLine,
    Mission,
    MissionEvent,
    MissionProposal,
    MissionRequest,
    RequestAttachment,
)
from tests.accounts.factories import MembershipFactory
from tests.missions.factories import (
    MissionFactory,
    MissionProposalFactory,
    MissionRequestFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
MISSIONS = reverse("admin:missions_mission_changelist")
NEEDS = reverse("admin:missions_missionrequest_changelist")
PROPOSALS = reverse("admin:missions_missionproposal_changelist")


@pytest.fixture
def daect_client(client, daect):
    client.force_login(daect)
    return client


@pytest.fixture
def mission():
    """A planned mission with its dates and a team of one."""
    mission = MissionFactory()
    expert = MembershipFactory(collectivity=mission.collectivity, state="active").user
    mission.experts.add(expert)
    return mission


@pytest.fixture
def submitted_need():
    return MissionRequestFactory(state=MissionRequest.State.SUBMITTED, submitted_at=timezone.now())


def _act(client, url, action, obj, **extra):
    data = {"action": action, "_selected_action": [obj.pk], **extra}
    return client.post(url, data, follow=True)


def _levels(response) -> list[int]:
    return [message.level for message in get_messages(response.wsgi_request)]


def _mission_events(mission) -> list[tuple[str, str]]:
    events = MissionEvent.objects.filter(request=mission.request, subject="mission")
    return list(events.values_list("from_state", "to_state"))


# Mission actions


def test_daect_confirms_starts_and_marks_a_mission_returned(daect_client, mission):
    # The calendar allows each step: the team leaves and comes back today.
    today = timezone.localdate()
    Mission.objects.filter(pk=mission.pk).update(departure_date=today, return_date=today)
    for action in ["confirm", "start", "mark_returned"]:
        response = _act(daect_client, MISSIONS, action, mission)
        assert _levels(response) == [constants.SUCCESS]
    mission.refresh_from_db()
    assert mission.state == Mission.State.RETURNED
    assert _mission_events(mission) == [
        ("planned", "confirmed"),
        ("confirmed", "under_way"),
        ("under_way", "returned"),
    ]


def test_daect_cancels_a_mission_with_a_reason(daect_client, mission):
    _act(daect_client, MISSIONS, "cancel", mission, apply="1", reason="Situation sécuritaire")
    mission.refresh_from_db()
    assert mission.state == Mission.State.CANCELLED
    assert mission.cancel_reason == "Situation sécuritaire"
    assert _mission_events(mission) == [("planned", "cancelled")]


def test_a_cancellation_first_asks_for_the_reason(daect_client, mission):
    response = _act(daect_client, MISSIONS, "cancel", mission)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/action_with_reason.html"
    response = _act(daect_client, MISSIONS, "cancel", mission, apply="1", reason=" ")
    assert constants.ERROR in _levels(response)
    mission.refresh_from_db()
    assert mission.state == Mission.State.PLANNED


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (Mission.State.PLANNED, "start"),
        (Mission.State.PLANNED, "mark_returned"),
        (Mission.State.UNDER_WAY, "confirm"),
        (Mission.State.RETURNED, "start"),
    ],
)
def test_a_mission_action_from_the_wrong_state_is_refused_with_a_message(
    daect_client, mission, state, action
):
    Mission.objects.filter(pk=mission.pk).update(state=state)
    response = _act(daect_client, MISSIONS, action, mission)
    assert _levels(response) == [constants.ERROR]
    mission.refresh_from_db()
    assert mission.state == state
    assert _mission_events(mission) == []


def test_a_closed_mission_cannot_be_cancelled(daect_client, mission):
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.CLOSED)
    response = _act(daect_client, MISSIONS, "cancel", mission, apply="1", reason="Trop tard")
    assert _levels(response) == [constants.ERROR]
    mission.refresh_from_db()
    assert mission.state == Mission.State.CLOSED


def test_a_mission_without_a_team_cannot_be_confirmed(daect_client):
    mission = MissionFactory()
    response = _act(daect_client, MISSIONS, "confirm", mission)
    assert _levels(response) == [constants.ERROR]
    mission.refresh_from_db()
    assert mission.state == Mission.State.PLANNED


# Mission change form


def _form(mission, **fields) -> dict:
    data = {
        "departure_date": mission.departure_date.isoformat() if mission.departure_date else "",
        "return_date": mission.return_date.isoformat() if mission.return_date else "",
        "place": mission.place,
        "budget_lines-TOTAL_FORMS": "0",
        "budget_lines-INITIAL_FORMS": "0",
        "budget_lines-MIN_NUM_FORMS": "0",
        "budget_lines-MAX_NUM_FORMS": "1000",
        # The read-only inlines of the partner's feedback and of the follow-ups.
        "partner_feedback-TOTAL_FORMS": "0",
        "partner_feedback-INITIAL_FORMS": "0",
        "follow_ups-TOTAL_FORMS": "0",
        "follow_ups-INITIAL_FORMS": "0",
    }
    return {**data, **fields}


def _change(mission) -> str:
    return reverse("admin:missions_mission_change", args=[mission.pk])


def test_daect_sets_the_dates_and_the_report_deadline_follows(daect_client, mission):
    MissionRequest.objects.filter(pk=mission.request_id).update(
        period_start=D(2027, 12, 1), period_end=D(2027, 12, 31)
    )
    data = _form(mission, departure_date="2027-12-20", return_date="2027-12-31", place="Dakar")
    response = daect_client.post(_change(mission), data)
    assert response.status_code == 302
    mission.refresh_from_db()
    assert (mission.departure_date, mission.return_date) == (D(2027, 12, 20), D(2027, 12, 31))
    assert mission.place == "Dakar"
    assert mission.report_due_on == D(2028, 2, 29)


def test_the_form_refuses_a_return_before_the_departure(daect_client, mission):
    before = (mission.departure_date, mission.return_date, mission.report_due_on)
    data = _form(mission, departure_date="2026-05-10", return_date="2026-05-09")
    response = daect_client.post(_change(mission), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [e.code for e in form.errors.as_data()["return_date"]] == ["return_before"]
    mission.refresh_from_db()
    assert (mission.departure_date, mission.return_date, mission.report_due_on) == before


def test_the_form_asks_for_both_dates(daect_client):
    mission = MissionFactory(departure_date=None, return_date=None)
    data = _form(mission, departure_date="2026-05-10", place="Dakar")
    response = daect_client.post(_change(mission), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    mission.refresh_from_db()
    assert mission.departure_date is None


def test_the_dates_of_a_mission_under_way_are_read_only(daect_client, mission):
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.UNDER_WAY)
    data = _form(mission, departure_date="2020-01-01", return_date="2020-01-02")
    daect_client.post(_change(mission), data)
    old = (mission.departure_date, mission.return_date)
    mission.refresh_from_db()
    assert (mission.departure_date, mission.return_date) == old


def test_daect_adds_budget_lines(daect_client, mission):
    data = _form(
        mission,
        **{
            "budget_lines-TOTAL_FORMS": "1",
            "budget_lines-0-category": BudgetLine.Category.TRAVEL,
            "budget_lines-0-label": "Billets",
            "budget_lines-0-amount": "980.00",
        },
    )
    assert daect_client.post(_change(mission), data).status_code == 302
    assert [line.amount for line in mission.budget_lines.all()] == [980]


def test_the_change_page_links_the_sheet_and_shows_the_history(daect_client, mission, daect):
    services.mission_plan(
        mission=mission,
        by=daect,
        departure=datetime.date(2030, 1, 5),
        return_=datetime.date(2030, 1, 12),
        place="Dakar",
        outside_period_reason="Calendrier du partenaire",
    )
    page = daect_client.get(_change(mission)).content.decode()
    assert reverse("missions:mission_sheet", args=[mission.pk]) in page
    assert f"Dates fixées par {daect.get_full_name()} : du 05/01/2030 au 12/01/2030, Dakar" in page


def test_a_mission_can_be_neither_added_nor_deleted(daect_client, mission):
    assert daect_client.get(reverse("admin:missions_mission_add")).status_code == 403
    delete = reverse("admin:missions_mission_delete", args=[mission.pk])
    assert daect_client.get(delete).status_code == 403


def test_the_missions_export_as_csv_and_xlsx(daect_client, mission):
    selection = {"_selected_action": [mission.pk, MissionFactory().pk]}
    csv = daect_client.post(MISSIONS, {"action": "export_csv", **selection})
    assert csv["Content-Type"].startswith("text/csv")
    assert len(csv.content.decode("utf-8-sig").strip().splitlines()) == 3
    xlsx = daect_client.post(MISSIONS, {"action": "export_xlsx", **selection})
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 3


# Needs


def test_daect_qualifies_a_submitted_need(daect_client, submitted_need):
    response = _act(daect_client, NEEDS, "qualify", submitted_need)
    assert _levels(response) == [constants.SUCCESS]
    submitted_need.refresh_from_db()
    assert submitted_need.state == MissionRequest.State.QUALIFIED
    assert submitted_need.events.get().to_state == "qualified"


def test_daect_sends_a_need_back_for_more_information(daect_client, submitted_need):
    _act(daect_client, NEEDS, "send_back", submitted_need, apply="1", reason="Quel budget local ?")
    submitted_need.refresh_from_db()
    assert submitted_need.state == MissionRequest.State.INFO_REQUESTED
    assert submitted_need.events.get().comment == "Quel budget local ?"


def test_daect_declines_a_need_with_a_reason(daect_client, submitted_need):
    _act(daect_client, NEEDS, "decline", submitted_need, apply="1", reason="Hors programme")
    submitted_need.refresh_from_db()
    assert submitted_need.state == MissionRequest.State.DECLINED
    assert submitted_need.decision_reason == "Hors programme"


def test_a_draft_need_cannot_be_qualified(daect_client):
    draft = MissionRequestFactory()
    response = _act(daect_client, NEEDS, "qualify", draft)
    assert _levels(response) == [constants.ERROR]
    draft.refresh_from_db()
    assert draft.state == MissionRequest.State.DRAFT


def test_the_need_page_links_its_attachments_and_the_matching(
    daect_client, settings, tmp_path, submitted_need
):
    settings.MEDIA_ROOT = tmp_path
    MissionRequest.objects.filter(pk=submitted_need.pk).update(state="qualified")
    attachment = RequestAttachment.objects.create(
        request=submitted_need,
        file="missions/x.pdf",
        original_name="lettre-du-maire.pdf",
        size=1234,
        uploaded_by=submitted_need.created_by,
    )
    url = reverse("admin:missions_missionrequest_change", args=[submitted_need.pk])
    page = daect_client.get(url).content.decode()
    assert reverse("missions:request_attachment", args=[submitted_need.pk, attachment.pk]) in page
    assert "lettre-du-maire.pdf" in page
    assert reverse("missions:request_matching", args=[submitted_need.pk]) in page


def test_a_need_is_read_only_and_can_be_neither_added_nor_deleted(daect_client, submitted_need):
    assert daect_client.get(reverse("admin:missions_missionrequest_add")).status_code == 403
    delete = reverse("admin:missions_missionrequest_delete", args=[submitted_need.pk])
    assert daect_client.get(delete).status_code == 403
    change = reverse("admin:missions_missionrequest_change", args=[submitted_need.pk])
    daect_client.post(change, {"partner_name": "Autre"})
    submitted_need.refresh_from_db()
    assert submitted_need.partner_name == "Commune de Saint-Louis"


# Proposals


def test_daect_confirms_an_accepted_proposal(daect_client):
    proposal = MissionProposalFactory(
        state=MissionProposal.State.ACCEPTED, request__state=MissionRequest.State.MATCHED
    )
    expert = MembershipFactory(collectivity=proposal.collectivity, state="active").user
    proposal.experts.add(expert)
    response = _act(daect_client, PROPOSALS, "confirm", proposal)
    assert _levels(response) == [constants.SUCCESS]
    mission = Mission.objects.get(proposal=proposal)
    assert list(mission.experts.all()) == [expert]
    proposal.request.refresh_from_db()
    assert proposal.request.state == MissionRequest.State.MISSION


def test_an_open_proposal_cannot_be_confirmed(daect_client):
    proposal = MissionProposalFactory()
    response = _act(daect_client, PROPOSALS, "confirm", proposal)
    assert _levels(response) == [constants.ERROR]
    assert not Mission.objects.exists()


# Lists


def test_a_member_cannot_open_the_back_office(client, member):
    client.force_login(member)
    assert client.get(MISSIONS).status_code == 302


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


LISTS = {
    MISSIONS: MissionFactory,
    NEEDS: MissionRequestFactory,
    PROPOSALS: MissionProposalFactory,
}


@pytest.mark.parametrize("url", LISTS)
def test_the_list_query_count_does_not_grow_with_rows(daect_client, url):
    factory = LISTS[url]
    factory.create_batch(2)
    few = _queries(daect_client, url)
    factory.create_batch(18)
    assert _queries(daect_client, url) == few
