"""The portal's DAECT pages that propose a need or confirm a mission ask for the same
right as the back office: an agent in « Consultation » reads them, and changes nothing."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from expect.accounts.groups import CONSULTATION_GROUP, INSTRUCTION_GROUP, ensure_groups
from missions.models import Mission, MissionProposal, MissionRequest
from tests.accounts.factories import UserFactory
from tests.missions.factories import MissionProposalFactory, MissionRequestFactory, labelled_member

pytestmark = pytest.mark.django_db


def _agent(group: str):
    ensure_groups()
    user = UserFactory(role="daect", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _propose(client, need, collectivity):
    deadline = (timezone.localdate() + timezone.timedelta(days=14)).isoformat()
    return client.post(
        reverse("missions:request_matching", args=[need.pk]),
        {
            "collectivities": [collectivity.pk],
            "deadline": deadline,
            "message": "",
            "confirmed": "1",
        },
    )


@pytest.mark.parametrize(("group", "proposals"), [(CONSULTATION_GROUP, 0), (INSTRUCTION_GROUP, 1)])
def test_proposing_a_need_takes_the_right_to_propose(client, group, proposals):
    need = MissionRequestFactory(state=MissionRequest.State.QUALIFIED)
    collectivity = labelled_member(need.theme).membership.collectivity
    client.force_login(_agent(group))
    assert client.get(reverse("missions:request_matching", args=[need.pk])).status_code == 200
    response = _propose(client, need, collectivity)
    assert response.status_code == (403 if proposals == 0 else 302)
    assert MissionProposal.objects.filter(request=need).count() == proposals


@pytest.mark.parametrize(("group", "missions"), [(CONSULTATION_GROUP, 0), (INSTRUCTION_GROUP, 1)])
def test_confirming_a_proposal_takes_the_right_to_confirm(client, group, missions):
    proposal = MissionProposalFactory(
        state=MissionProposal.State.ACCEPTED,
        request__state=MissionRequest.State.MATCHED,
        answered_at=timezone.now(),
    )
    client.force_login(_agent(group))
    response = client.post(
        reverse("missions:proposal_confirm", args=[proposal.pk]), {"confirmed": "1"}
    )
    assert response.status_code == (403 if missions == 0 else 302)
    assert Mission.objects.count() == missions
