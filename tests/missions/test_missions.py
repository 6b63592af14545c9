"""Mission pages, the mission sheet PDF, the report deadline and the public list of missions."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.core.models import Event
from missions import emails, services
from missions.models import BudgetLine, Mission
from missions.views.missions import PAGE_SIZE
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.core.test_pdf import assert_real_pdf, pdf_text
from tests.missions.factories import MissionFactory, MissionProposalFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def mission():
    """A planned mission of a labelled collectivity in Senegal, with its team and budget."""
    mission = MissionFactory()
    team = [
        MembershipFactory(
            collectivity=mission.collectivity,
            state="active",
            user__first_name="Sophie",
            user__last_name="Lefèvre",
            user__position="Ingénieure déchets",
        ).user,
        MembershipFactory(
            collectivity=mission.collectivity,
            state="active",
            user__first_name="Karim",
            user__last_name="Benali",
        ).user,
    ]
    mission.experts.set(team)
    BudgetLine.objects.create(
        mission=mission, category="travel", label="Billets Paris-Dakar", amount=Decimal("1234.50")
    )
    BudgetLine.objects.create(
        mission=mission, category="per_diem", label="Indemnités", amount=Decimal("600")
    )
    return mission


def _total(mission: Mission) -> str:
    """The total as the French documents print it (thousands grouped, comma decimals)."""
    return floatformat(mission.total_budget, "2g")


def _flat(text: str) -> str:
    # The French thousands separator is a narrow no-break space.
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _member_of(mission: Mission):
    return MembershipFactory(collectivity=mission.collectivity, state="active").user


def _outside_expert(mission: Mission):
    """An expert named on the team whose membership is not (or no longer) confirmed."""
    expert = UserFactory(role="expert")
    mission.experts.add(expert)
    return expert


ALLOWED = {
    "daect": lambda m: UserFactory(role="daect"),
    "member": _member_of,
    "expert": _outside_expert,
    "embassy": lambda m: EmbassyAgentFactory(embassy__countries=["SN"]),
}
REFUSED = {
    "another collectivity": lambda m: MembershipFactory(state="active").user,
    "another country's embassy": lambda m: EmbassyAgentFactory(embassy__countries=["ML"]),
}
PAGES = ["missions:mission_detail", "missions:mission_sheet"]


# The report deadline


@pytest.mark.parametrize(
    ("returned", "due"),
    [
        (D(2025, 12, 31), D(2026, 2, 28)),
        (D(2023, 12, 31), D(2024, 2, 29)),
        (D(2025, 8, 31), D(2025, 10, 31)),
        (D(2025, 3, 15), D(2025, 5, 15)),
    ],
)
def test_it_sets_the_report_due_date_two_calendar_months_after_the_return(
    mission, daect, returned, due
):
    departure = returned - datetime.timedelta(days=10)
    with time_machine.travel(departure - datetime.timedelta(days=30)):
        services.mission_plan(
            mission=mission,
            by=daect,
            departure=departure,
            return_=returned,
            place="Dakar",
            outside_period_reason="Dates fixed with the partner",
        )
    mission.refresh_from_db()
    assert (mission.departure_date, mission.return_date) == (departure, returned)
    assert mission.report_due_on == due


def test_it_refuses_a_return_before_the_departure_and_saves_nothing(mission, daect):
    before = (mission.departure_date, mission.return_date, mission.report_due_on)
    with pytest.raises(ValidationError) as refused:
        services.mission_plan(
            mission=mission,
            by=daect,
            departure=D(2026, 5, 10),
            return_=D(2026, 5, 9),
            place="Thiès",
        )
    assert refused.value.code == "return_before"
    mission.refresh_from_db()
    assert (mission.departure_date, mission.return_date, mission.report_due_on) == before
    assert mission.place == "Saint-Louis"


# Who sees the pages


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ALLOWED)
def test_the_mission_and_its_sheet_open_for_those_concerned(client, mission, page, role):
    client.force_login(ALLOWED[role](mission))
    response = client.get(reverse(page, args=[mission.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", REFUSED)
def test_the_mission_and_its_sheet_are_a_404_for_others(client, mission, page, role):
    client.force_login(REFUSED[role](mission))
    assert client.get(reverse(page, args=[mission.pk])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_pending_member_gets_a_404(client, mission, page):
    pending = MembershipFactory(collectivity=mission.collectivity, state="pending").user
    client.force_login(pending)
    assert client.get(reverse(page, args=[mission.pk])).status_code == 404


@pytest.mark.parametrize("page", [*PAGES, "missions:mission_list"])
def test_a_visitor_is_sent_to_log_in(client, mission, page):
    args = [] if page == "missions:mission_list" else [mission.pk]
    response = client.get(reverse(page, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("page", [*PAGES, "missions:mission_list"])
def test_the_pages_refuse_post(client, mission, page):
    client.force_login(_member_of(mission))
    args = [] if page == "missions:mission_list" else [mission.pk]
    assert client.post(reverse(page, args=args)).status_code == 405


# The list


def test_the_list_shows_the_missions_of_the_member_only(client, mission):
    elsewhere = MissionFactory()
    client.force_login(_member_of(mission))
    response = client.get(reverse("missions:mission_list"))
    assert list(response.context["missions"]) == [mission]
    page = response.content.decode()
    assert reverse("missions:mission_detail", args=[mission.pk]) in page
    assert reverse("missions:mission_detail", args=[elsewhere.pk]) not in page


def test_the_list_shows_an_outside_expert_their_missions_once(client, mission):
    expert = _outside_expert(mission)
    MissionFactory()
    client.force_login(expert)
    response = client.get(reverse("missions:mission_list"))
    assert list(response.context["missions"]) == [mission]


def test_the_list_shows_an_embassy_the_missions_of_its_countries(client, mission):
    in_mali = MissionFactory(proposal__request__country="ML")
    client.force_login(EmbassyAgentFactory(embassy__countries=["ML"]))
    response = client.get(reverse("missions:mission_list"))
    assert list(response.context["missions"]) == [in_mali]


def test_daect_sees_every_mission(client, mission, daect):
    other = MissionFactory()
    client.force_login(daect)
    response = client.get(reverse("missions:mission_list"))
    assert set(response.context["missions"]) == {mission, other}


def test_the_list_costs_the_same_queries_whatever_its_length(client, daect):
    client.force_login(daect)
    MissionFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("missions:mission_list"))
    MissionFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("missions:mission_list"))
    assert len(many) == len(few)


def test_the_list_is_paginated(client, daect):
    MissionFactory.create_batch(PAGE_SIZE + 1)
    client.force_login(daect)
    second = client.get(reverse("missions:mission_list"), {"page": 2})
    assert len(second.context["missions"]) == 1


# The detail page


def test_the_detail_shows_the_team_the_budget_and_the_report_countdown(
    client, mission, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 10, 0))
    mission.departure_date, mission.return_date = D(2026, 1, 5), D(2026, 1, 15)
    mission.save()
    client.force_login(_member_of(mission))
    response = client.get(reverse("missions:mission_detail", args=[mission.pk]))
    page = _flat(response.content.decode())
    assert "Sophie Lefèvre" in page
    assert "Karim Benali" in page
    assert "Billets Paris-Dakar" in page
    assert _flat(_total(mission)) in page
    assert mission.report_due_on == D(2026, 3, 15)
    assert "15/03/2026" in page
    assert response.context["days_left"] == 14
    assert response.context["duration_days"] == 11


def test_the_detail_counts_the_days_of_a_late_report(client, mission, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 20, 10, 0))
    mission.departure_date, mission.return_date = D(2026, 1, 5), D(2026, 1, 15)
    mission.state = Mission.State.REPORT_DUE
    mission.save()
    client.force_login(_member_of(mission))
    response = client.get(reverse("missions:mission_detail", args=[mission.pk]))
    assert response.context["days_late"] == 5


def test_the_history_hides_the_other_collectivities_from_the_member(client, mission, daect):
    Event.objects.create(
        request=mission.request,
        proposal=MissionProposalFactory(request=mission.request),
        actor=daect,
        verb=Event.Verb.PROPOSAL_DECLINED,
        from_state="open",
        to_state="declined",
        comment="Commune voisine : pas disponible",
    )
    services.mission_plan(
        mission=mission,
        by=daect,
        departure=D(2030, 1, 5),
        return_=D(2030, 1, 12),
        place="Dakar",
        outside_period_reason="Dates fixed with the partner",
    )
    services.mission_confirm(mission=mission, by=daect)
    client.force_login(_member_of(mission))
    member_history = client.get(reverse("missions:mission_detail", args=[mission.pk])).context[
        "history"
    ]
    assert [event.verb for event in member_history] == ["mission.dates_set", "mission.confirmed"]
    client.force_login(daect)
    page = client.get(reverse("missions:mission_detail", args=[mission.pk]))
    assert "Commune voisine" not in page.content.decode()
    assert f"Mission confirmée par {daect.get_full_name()}" in page.content.decode()


# The mission sheet


def test_the_sheet_gives_the_team_the_dates_and_the_total(client, mission, daect):
    services.mission_plan(
        mission=mission,
        by=daect,
        departure=D(2030, 4, 6),
        return_=D(2030, 4, 16),
        place="Thiès",
        outside_period_reason="Dates fixed with the partner",
    )
    client.force_login(_member_of(mission))
    response = client.get(reverse("missions:mission_sheet", args=[mission.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _flat(pdf_text(response.content))
    for expert in mission.experts.all():
        assert expert.get_full_name() in text
        assert expert.email in text
    assert "Ingénieure déchets" in text
    assert _flat(_total(mission)) in text
    assert "06/04/2030" in text and "16/04/2030" in text
    assert "Thiès" in text
    assert mission.request.partner_name in text
    assert _flat(mission.request.expected_results) in text


def test_the_sheet_is_a_real_pdf_with_its_fonts_embedded(client, mission, daect):
    client.force_login(daect)
    response = client.get(reverse("missions:mission_sheet", args=[mission.pk]))
    assert_real_pdf(response.content)


def test_the_sheet_is_named_after_the_mission(client, mission, daect):
    client.force_login(daect)
    disposition = client.get(reverse("missions:mission_sheet", args=[mission.pk]))[
        "Content-Disposition"
    ]
    assert disposition.startswith(f'inline; filename="fiche-mission-expe-ct-m-{mission.pk:05d}-')


def test_the_sheet_of_a_mission_without_dates_or_budget_still_renders(client, daect):
    mission = MissionFactory(departure_date=None, return_date=None)
    client.force_login(daect)
    response = client.get(reverse("missions:mission_sheet", args=[mission.pk]))
    assert response.status_code == 200
    assert mission.collectivity.name in pdf_text(response.content)


# The public page of the collectivity


def test_the_public_page_lists_a_completed_mission_not_a_planned_one(client, mission):
    done = MissionFactory(
        proposal__collectivity=mission.collectivity,
        proposal__request__country="BJ",
        state=Mission.State.CLOSED,
        departure_date=D(2024, 11, 20),
        return_date=D(2024, 11, 30),
    )
    response = client.get(reverse("labellisation:collectivity_detail", args=[done.collectivity_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert done.request.country.name in page
    assert done.request.theme.name in page
    assert "— 2024</h3>" in page
    assert list(response.context["missions"]) == [done]  # not the planned one
    assert mission.request.country.name not in page
    assert "Sophie" not in page  # the team stays private


@pytest.mark.parametrize(
    "state", [Mission.State.RETURNED, Mission.State.REPORT_DUE, Mission.State.REPORT_SUBMITTED]
)
def test_the_public_page_lists_a_mission_once_the_team_is_back(client, state):
    done = MissionFactory(state=state, return_date=D(2025, 6, 1), departure_date=D(2025, 5, 20))
    url = reverse("labellisation:collectivity_detail", args=[done.collectivity_id])
    assert list(client.get(url).context["missions"]) == [done]


def test_the_public_page_does_not_list_a_cancelled_mission(client):
    cancelled = MissionFactory(state=Mission.State.CANCELLED)
    url = reverse("labellisation:collectivity_detail", args=[cancelled.collectivity_id])
    assert list(client.get(url).context["missions"]) == []


# The e-mail


def test_the_mission_created_email_reaches_the_team_the_collectivity_and_the_embassy(
    mission, django_capture_on_commit_callbacks
):
    agent = EmbassyAgentFactory(embassy=mission.request.embassy)
    member = _member_of(mission)
    # Written to the outbox in the transaction, sent once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        emails.mission_created(mission, [])
    recipients = {address for message in mail.outbox for address in message.to}
    team = {expert.email for expert in mission.experts.all()}
    assert team | {agent.email, member.email} <= recipients
    message = mail.outbox[0]
    url = reverse("missions:mission_detail", args=[mission.pk])
    assert url in message.body
    assert "Sophie Lefèvre" in message.body
    assert url in message.alternatives[0][0]
