"""Proposals and requests for information unanswered after 7 days are reminded."""

import datetime

import pytest
import time_machine

from expect.accounts.models import User
from missions import services
from missions.models import MissionProposal, MissionRequest
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.missions.factories import MissionProposalFactory, MissionRequestFactory

from .helpers import at, sweep_on, to

pytestmark = pytest.mark.django_db


def test_a_proposal_unanswered_for_seven_days_is_reminded_to_the_collectivity():
    with time_machine.travel(at(datetime.date(2027, 3, 1), hour=10), tick=False):
        proposal = MissionProposalFactory(response_deadline=datetime.date(2027, 3, 20))
    member = MembershipFactory(collectivity=proposal.collectivity, state="active").user
    stranger = MembershipFactory(state="active").user

    assert to(sweep_on(datetime.date(2027, 3, 7), hour=11), member.email) == []
    sent = sweep_on(datetime.date(2027, 3, 8), hour=11)
    [message] = to(sent, member.email)
    assert "20 mars 2027" in message.body
    assert f"/propositions/{proposal.pk}/" in message.body
    assert to(sent, stranger.email) == []


def test_an_answered_proposal_is_not_reminded():
    with time_machine.travel(at(datetime.date(2027, 3, 1), hour=10), tick=False):
        proposal = MissionProposalFactory()
    member = MembershipFactory(collectivity=proposal.collectivity, state="active").user
    MissionProposal.objects.filter(pk=proposal.pk).update(state=MissionProposal.State.DECLINED)
    assert to(sweep_on(datetime.date(2027, 3, 9), hour=11), member.email) == []


def test_the_embassy_is_reminded_of_information_requested_on_its_need():
    daect = UserFactory(role=User.Role.DAECT, is_staff=True)
    with time_machine.travel(at(datetime.date(2027, 3, 1), hour=10), tick=False):
        need = MissionRequestFactory(state=MissionRequest.State.SUBMITTED)
        services.request_send_back(need=need, by=daect, reason="Précisez le calendrier.")
    agent = need.created_by
    assert to(sweep_on(datetime.date(2027, 3, 8), hour=9), agent.email) == []
    [message] = to(sweep_on(datetime.date(2027, 3, 8), hour=11), agent.email)
    assert "Précisez le calendrier." in message.body
