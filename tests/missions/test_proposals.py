"""DAECT proposes a need; a collectivity accepts with its experts or declines; DAECT confirms."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expect.accounts.models import Membership, User
from missions import services
from missions.experts import create_expert
from missions.models import Mission, MissionProposal, MissionRequest
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.missions.factories import MissionProposalFactory, MissionRequestFactory, labelled_member
from tests.organisations.factories import CollectivityFactory

# The person confirmed (in the modal, or on the confirmation page).
CONFIRMED = {"confirmed": "1"}

pytestmark = pytest.mark.django_db
RState = MissionRequest.State
PState = MissionProposal.State


def _in_two_weeks() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=14)


def _url(name: str, obj) -> str:
    return reverse(f"missions:{name}", args=[obj.pk])


def _recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


def _propose(client, need, *collectivities, deadline=None):
    return client.post(
        _url("request_matching", need),
        {
            "collectivities": [c.pk for c in collectivities],
            "deadline": (deadline or _in_two_weeks()).isoformat(),
            "message": "La commune attend une réponse rapide.",
            **CONFIRMED,
        },
    )


def _acceptance(experts=(), new=()) -> dict:
    """The POST data of the accept form: members ticked, then the blocks of new experts."""
    data = {
        "experts": [expert.pk for expert in experts],
        "new-TOTAL_FORMS": str(max(len(new), 1)),
        "new-INITIAL_FORMS": "0",
    }
    for index, person in enumerate(new):
        data.update({f"new-{index}-{key}": value for key, value in person.items()})
    return data


AWA = {
    "first_name": "Awa",
    "last_name": "Diallo",
    "email": "awa.diallo@lyon.example.fr",
    "position": "Ingénieure propreté urbaine",
}


def _open_proposal(need=None):
    """An open proposal and a confirmed member of the collectivity it was made to."""
    need = need or MissionRequestFactory(state=RState.PROPOSED)
    member = labelled_member(need.theme)
    return MissionProposalFactory(request=need, collectivity=member.collectivity), member


# The whole story.


def test_a_need_is_proposed_to_two_accepted_by_one_with_a_new_expert_and_confirmed(client, daect):
    need = MissionRequestFactory(state=RState.QUALIFIED)
    lyon_member, brest_member = labelled_member(need.theme), labelled_member(need.theme)
    lyon, brest = lyon_member.collectivity, brest_member.collectivity
    colleague = MembershipFactory(collectivity=lyon, state="active").user

    client.force_login(daect)
    response = _propose(client, need, lyon, brest)
    assert response.status_code == 302
    lyon_proposal = MissionProposal.objects.get(collectivity=lyon)
    brest_proposal = MissionProposal.objects.get(collectivity=brest)
    assert lyon_proposal.state == brest_proposal.state == PState.OPEN
    assert lyon_proposal.response_deadline == _in_two_weeks()
    need.refresh_from_db()
    assert need.state == RState.PROPOSED
    assert {lyon_member.email, colleague.email, brest_member.email} <= set(_recipients())
    mail.outbox.clear()

    client.force_login(lyon_member)
    assert client.get(_url("proposal_detail", lyon_proposal)).status_code == 200
    response = client.post(_url("proposal_accept", lyon_proposal), _acceptance([colleague], [AWA]))
    assert response["Location"] == _url("proposal_detail", lyon_proposal)
    awa = User.objects.get(email=AWA["email"])
    assert awa.role == User.Role.EXPERT
    assert awa.email_confirmed_at is None
    assert not awa.has_usable_password()
    assert awa.membership.collectivity == lyon
    assert awa.membership.state == Membership.State.ACTIVE
    lyon_proposal.refresh_from_db()
    assert lyon_proposal.state == PState.ACCEPTED
    assert set(lyon_proposal.experts.all()) == {colleague, awa}
    need.refresh_from_db()
    assert need.state == RState.MATCHED
    assert [AWA["email"]] in [message.to for message in mail.outbox]  # the invitation
    assert daect.email in _recipients()  # the answer
    mail.outbox.clear()

    client.force_login(daect)
    matching_page = client.get(_url("request_matching", need))
    assert matching_page.context["accepted"] == [lyon_proposal]
    assert _url("proposal_confirm", lyon_proposal) in matching_page.content.decode()
    response = client.post(_url("proposal_confirm", lyon_proposal), CONFIRMED)
    mission = Mission.objects.get()
    assert response["Location"] == _url("mission_detail", mission)
    assert mission.collectivity == lyon
    assert set(mission.experts.all()) == {colleague, awa}
    assert mission.return_date is None
    assert mission.report_due_on is None
    brest_proposal.refresh_from_db()
    assert brest_proposal.state == PState.CLOSED
    assert [brest_member.email] in [message.to for message in mail.outbox]  # thanks, closed


# DAECT proposes.


def test_a_collectivity_without_a_valid_label_stops_the_whole_proposal(client, daect):
    need = MissionRequestFactory(state=RState.QUALIFIED)
    labelled = labelled_member(need.theme).collectivity
    unlabelled = CollectivityFactory()
    client.force_login(daect)
    response = _propose(client, need, labelled, unlabelled)
    assert response.status_code == 200
    assert response.context["form"].has_error("collectivities", "no_label")
    assert not MissionProposal.objects.exists()
    need.refresh_from_db()
    assert need.state == RState.QUALIFIED
    assert mail.outbox == []


def test_a_past_deadline_is_refused(client, daect):
    need = MissionRequestFactory(state=RState.QUALIFIED)
    collectivity = labelled_member(need.theme).collectivity
    client.force_login(daect)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = _propose(client, need, collectivity, deadline=yesterday)
    assert response.context["form"].has_error("deadline", "deadline_past")
    assert not MissionProposal.objects.exists()


def test_a_need_is_not_proposed_twice_to_the_same_collectivity(client, daect):
    proposal, _member = _open_proposal()
    other = labelled_member(proposal.request.theme).collectivity
    client.force_login(daect)
    response = _propose(client, proposal.request, other, proposal.collectivity)
    assert response.context["form"].has_error("collectivities", "duplicate")
    assert list(MissionProposal.objects.all()) == [proposal]


def test_a_need_that_is_not_qualified_cannot_be_proposed(client, daect):
    need = MissionRequestFactory(state=RState.SUBMITTED)
    collectivity = labelled_member(need.theme).collectivity
    client.force_login(daect)
    response = _propose(client, need, collectivity)
    assert response["Location"] == _url("request_matching", need)
    assert not MissionProposal.objects.exists()


def test_ticking_nobody_proposes_nothing(client, daect):
    need = MissionRequestFactory(state=RState.QUALIFIED)
    client.force_login(daect)
    response = _propose(client, need)
    assert response.context["form"].has_error("collectivities", "required")


# The collectivity's pages.


def test_members_list_their_collectivity_s_proposals_only(client):
    proposal, member = _open_proposal()
    _open_proposal()
    client.force_login(member)
    response = client.get(reverse("missions:proposal_list"))
    assert response.status_code == 200
    assert list(response.context["proposals"]) == [proposal]


def test_daect_lists_every_proposal(client, daect):
    _open_proposal()
    _open_proposal()
    client.force_login(daect)
    assert len(client.get(reverse("missions:proposal_list")).context["proposals"]) == 2


def test_the_list_costs_the_same_queries_whatever_its_length(client, daect):
    client.force_login(daect)
    _open_proposal()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("missions:proposal_list"))
    for _ in range(5):
        _open_proposal()
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("missions:proposal_list"))
    assert len(response.context["proposals"]) == 6
    assert len(many) == len(few)


def test_the_list_marks_an_open_proposal_whose_deadline_is_past(client):
    proposal, member = _open_proposal()
    client.force_login(member)
    assert "Délai dépassé" not in client.get(reverse("missions:proposal_list")).content.decode()
    MissionProposal.objects.filter(pk=proposal.pk).update(
        response_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "Délai dépassé" in client.get(reverse("missions:proposal_list")).content.decode()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: EmbassyAgentFactory(),
        lambda: MembershipFactory(state="active", user__role=User.Role.EXPERT).user,
    ],
    ids=["embassy agent", "expert"],
)
def test_the_list_is_for_members_and_daect(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("missions:proposal_list")).status_code == 404


def test_a_pending_member_is_told_who_confirms_instead_of_a_404(client):
    referent = MembershipFactory(state="active", is_referent=True)
    pending = MembershipFactory(state="pending", collectivity=referent.collectivity).user
    client.force_login(pending)
    response = client.get(reverse("missions:proposal_list"))
    assert response.status_code == 200
    assert referent.user.get_full_name() in response.content.decode()


def test_a_visitor_is_sent_to_the_login_page(client):
    proposal, _member = _open_proposal()
    for url in [reverse("missions:proposal_list"), _url("proposal_detail", proposal)]:
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))


def test_the_member_sees_the_need_and_the_forms_to_answer(client):
    proposal, member = _open_proposal()
    client.force_login(member)
    response = client.get(_url("proposal_detail", proposal))
    assert response.status_code == 200
    assert response.context["can_answer"]
    html = response.content.decode()
    assert proposal.request.expected_results in html
    assert _url("proposal_accept", proposal) in html
    assert _url("proposal_decline", proposal) in html
    experts = response.context["accept_form"].fields["experts"].queryset
    assert member in experts


def test_daect_reads_the_proposal_but_does_not_answer_it(client, daect):
    proposal, _member = _open_proposal()
    client.force_login(daect)
    response = client.get(_url("proposal_detail", proposal))
    assert response.status_code == 200
    assert not response.context["can_answer"]
    assert client.post(_url("proposal_accept", proposal), _acceptance()).status_code == 403


def test_a_member_of_another_collectivity_learns_nothing(client):
    proposal, _member = _open_proposal()
    stranger = labelled_member(proposal.request.theme)
    client.force_login(stranger)
    assert client.get(_url("proposal_detail", proposal)).status_code == 404
    assert (
        client.post(_url("proposal_accept", proposal), _acceptance([stranger])).status_code == 404
    )
    assert client.post(_url("proposal_decline", proposal), {"reason": "Non"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.proposal_accept(proposal=proposal, by=stranger, experts=[stranger])
    proposal.refresh_from_db()
    assert proposal.state == PState.OPEN


def test_the_answers_are_posted(client):
    proposal, member = _open_proposal()
    client.force_login(member)
    assert client.get(_url("proposal_accept", proposal)).status_code == 405
    assert client.get(_url("proposal_decline", proposal)).status_code == 405


# Accepting.


def test_experts_from_another_collectivity_are_refused(client):
    proposal, member = _open_proposal()
    foreigner = MembershipFactory(state="active").user
    client.force_login(member)
    response = client.post(_url("proposal_accept", proposal), _acceptance([member, foreigner]))
    assert response.status_code == 200
    assert response.context["accept_form"].has_error("experts", "invalid_choice")
    with pytest.raises(ValidationError) as refusal:
        services.proposal_accept(proposal=proposal, by=member, experts=[member, foreigner])
    assert refusal.value.code == "foreign_expert"
    proposal.refresh_from_db()
    assert proposal.state == PState.OPEN


def test_at_least_one_expert_is_named(client):
    proposal, member = _open_proposal()
    client.force_login(member)
    response = client.post(_url("proposal_accept", proposal), _acceptance())
    assert response.context["accept_form"].has_error("experts", "no_expert")
    proposal.refresh_from_db()
    assert proposal.state == PState.OPEN


@pytest.mark.parametrize("spelling", [AWA["email"], AWA["email"].upper()])
def test_a_new_expert_with_someone_else_s_account_is_not_told_and_its_owner_is(client, spelling):
    proposal, member = _open_proposal()
    owner = UserFactory(email=AWA["email"])
    client.force_login(member)
    response = client.post(
        _url("proposal_accept", proposal), _acceptance([member], [{**AWA, "email": spelling}])
    )
    assert response.status_code == 302  # the answer a new address gets
    proposal.refresh_from_db()
    assert proposal.state == PState.ACCEPTED
    assert list(proposal.experts.all()) == [member]
    assert User.objects.filter(email__iexact=AWA["email"]).count() == 1
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1 and "vous a désigné" in to_owner[0].body


def test_the_same_new_expert_twice_is_refused(client):
    proposal, member = _open_proposal()
    client.force_login(member)
    response = client.post(_url("proposal_accept", proposal), _acceptance(new=[AWA, AWA]))
    assert response.context["new_experts"].non_form_errors().as_data()[0].code == "duplicate"
    assert not User.objects.filter(email=AWA["email"]).exists()


def test_one_more_block_for_a_new_expert_saves_nothing(client):
    proposal, member = _open_proposal()
    client.force_login(member)
    data = {**_acceptance([member], [AWA]), "add_expert": "1"}
    response = client.post(_url("proposal_accept", proposal), data)
    assert response.status_code == 200
    assert response.context["new_experts"].total_form_count() == 2
    assert not User.objects.filter(email=AWA["email"]).exists()
    proposal.refresh_from_db()
    assert proposal.state == PState.OPEN


def _the_day_after(day: datetime.date) -> datetime.datetime:
    noon = datetime.time(12, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return datetime.datetime.combine(day + datetime.timedelta(days=1), noon)


def test_an_acceptance_after_the_deadline_is_refused_and_creates_no_account(client):
    proposal, member = _open_proposal()
    with time_machine.travel(_the_day_after(proposal.response_deadline), tick=False):
        client.force_login(member)
        page = client.get(_url("proposal_detail", proposal))
        assert not page.context["can_answer"]
        response = client.post(_url("proposal_accept", proposal), _acceptance([member], [AWA]))
        assert response.status_code == 200
        with pytest.raises(ValidationError) as refusal:
            services.proposal_accept(proposal=proposal, by=member, experts=[member])
    assert refusal.value.code == "late"
    assert not User.objects.filter(email=AWA["email"]).exists()
    proposal.refresh_from_db()
    assert proposal.state == PState.OPEN
    assert mail.outbox == []


def test_an_acceptance_after_another_collectivity_was_confirmed_is_refused(
    client, daect, django_capture_on_commit_callbacks
):
    chosen, chosen_member = _open_proposal()
    late, late_member = _open_proposal(chosen.request)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_accept(proposal=chosen, by=chosen_member, experts=[chosen_member])
        services.proposal_confirm(proposal=chosen, by=daect)
    assert [late_member.email] in [message.to for message in mail.outbox]  # thanks, closed

    client.force_login(late_member)
    response = client.post(_url("proposal_accept", late), _acceptance([late_member]))
    assert response.status_code == 200
    assert not response.context["can_answer"]
    with pytest.raises(ValidationError) as refusal:
        services.proposal_accept(proposal=late, by=late_member, experts=[late_member])
    assert refusal.value.code == "taken"
    late.refresh_from_db()
    assert late.state == PState.CLOSED
    assert Mission.objects.count() == 1


# Declining.


def test_a_refusal_needs_a_reason(client):
    proposal, member = _open_proposal()
    client.force_login(member)
    response = client.post(_url("proposal_decline", proposal), {"reason": "  "})
    assert response.context["decline_form"].has_error("reason", "required")
    proposal.refresh_from_db()
    assert proposal.state == PState.OPEN


def test_a_member_declines_with_a_reason_and_daect_is_told(client, daect):
    proposal, member = _open_proposal()
    client.force_login(member)
    response = client.post(_url("proposal_decline", proposal), {"reason": "Équipe indisponible."})
    assert response["Location"] == _url("proposal_detail", proposal)
    proposal.refresh_from_db()
    assert proposal.state == PState.DECLINED
    assert proposal.answer_reason == "Équipe indisponible."
    assert proposal.answered_by == member
    assert daect.email in _recipients()
    assert member.email not in _recipients()


# DAECT confirms.


def _accepted(need=None):
    proposal, member = _open_proposal(need)
    services.proposal_accept(proposal=proposal, by=member, experts=[member])
    return proposal


def test_only_daect_confirms(client):
    proposal = _accepted()
    member = proposal.experts.get()
    client.force_login(member)
    assert client.post(_url("proposal_confirm", proposal), CONFIRMED).status_code == 404
    assert client.get(_url("proposal_confirm", proposal)).status_code == 404
    assert not Mission.objects.exists()


def test_an_open_proposal_cannot_be_confirmed(client, daect):
    proposal, _member = _open_proposal(MissionRequestFactory(state=RState.MATCHED))
    client.force_login(daect)
    response = client.post(_url("proposal_confirm", proposal), CONFIRMED)
    assert response["Location"] == _url("request_matching", proposal.request)
    assert not Mission.objects.exists()


def test_confirming_is_posted(client, daect):
    proposal = _accepted()
    client.force_login(daect)
    assert client.get(_url("proposal_confirm", proposal)).status_code == 405


# New experts.


def test_a_new_expert_is_invited_once_the_transaction_commits(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        expert = create_expert(member.collectivity, by=member, **AWA)
    assert expert.role == User.Role.EXPERT
    assert expert.membership.decided_by == member
    assert [message.to for message in mail.outbox] == [[AWA["email"]]]


def test_only_the_collectivity_s_members_add_its_experts(member):
    stranger = MembershipFactory(state="active").user
    with pytest.raises(PermissionDenied):
        create_expert(member.collectivity, by=stranger, **AWA)
    assert not User.objects.filter(email=AWA["email"]).exists()


def test_an_address_already_in_use_gets_no_second_account(member):
    colleague = create_expert(
        member.collectivity, by=member, **{**AWA, "email": member.email.upper()}
    )
    assert colleague == member  # a member of this collectivity: the same account
    stranger = UserFactory(email="ailleurs@example.fr")
    assert create_expert(member.collectivity, by=member, **{**AWA, "email": stranger.email}) is None
    assert User.objects.filter(email=stranger.email).count() == 1


# Two DAECT agents confirm two acceptances of the same need at the same moment.


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_leave_exactly_one_mission():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks need PostgreSQL")
    need = MissionRequestFactory(state=RState.PROPOSED)
    first, second = _accepted(need), _accepted(need)
    agents = [UserFactory(role=User.Role.DAECT), UserFactory(role=User.Role.DAECT)]
    barrier = threading.Barrier(2)
    missions, refusals = [], []

    def confirm(proposal, agent):
        try:
            barrier.wait(timeout=10)
            missions.append(services.proposal_confirm(proposal=proposal, by=agent))
        except ValidationError as refusal:
            refusals.append(refusal)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=pair)
        for pair in zip([first, second], agents, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Mission.objects.count() == 1
    assert len(missions) == 1
    assert [refusal.code for refusal in refusals] == ["not_matched"]
    assert MissionProposal.objects.filter(state=PState.CONFIRMED).count() == 1
