"""The brief reaches the experts: the need's documents are listed and downloadable by the
collectivity while a proposal to it is open, and by the mission team afterwards — never by
another collectivity, nor by one whose proposal was declined or closed. The embassy sees
its country's need and the collectivity chosen, never the others approached."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from missions import services
from missions.models import MissionEvent, MissionProposal, MissionRequest, RequestAttachment
from missions.permissions import can_read_brief
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.missions.factories import (
    MissionFactory,
    MissionProposalFactory,
    MissionRequestFactory,
    labelled_member,
)

pytestmark = pytest.mark.django_db
PState = MissionProposal.State
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attach(need) -> RequestAttachment:
    return RequestAttachment.objects.create(
        request=need,
        file=ContentFile(PDF, name="tdr.pdf"),
        original_name="Termes de référence.pdf",
        size=len(PDF),
        uploaded_by=need.created_by,
    )


@pytest.fixture
def need():
    return MissionRequestFactory(state=MissionRequest.State.PROPOSED)


@pytest.fixture
def document(need):
    return _attach(need)


def _proposal_to(need, state=PState.OPEN):
    member = labelled_member(need.theme)
    proposal = MissionProposalFactory(request=need, collectivity=member.collectivity, state=state)
    return proposal, member


def _download(client, user, document):
    client.force_login(user)
    return client.get(
        reverse("missions:request_attachment", args=[document.request_id, document.pk])
    )


def test_the_proposal_page_lists_the_documents_before_the_accept_button(client, need, document):
    proposal, member = _proposal_to(need)
    client.force_login(member)
    page = client.get(reverse("missions:proposal_detail", args=[proposal.pk])).content.decode()
    link = reverse("missions:request_attachment", args=[need.pk, document.pk])
    assert link in page and "Termes de référence.pdf" in page
    assert page.index(link) < page.index(reverse("missions:proposal_accept", args=[proposal.pk]))
    assert need.description in page


def test_the_collectivity_downloads_the_brief_while_its_proposal_is_open(client, need, document):
    _, member = _proposal_to(need)
    response = _download(client, member, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("state", [PState.DECLINED, PState.CLOSED])
def test_a_collectivity_that_declined_or_was_not_chosen_reads_no_more(
    client, need, document, state
):
    proposal, member = _proposal_to(need, state=state)
    assert _download(client, member, document).status_code == 404
    client.force_login(member)
    page = client.get(reverse("missions:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Termes de référence.pdf" not in page


def test_another_collectivity_never_reads_the_brief(client, need, document):
    _proposal_to(need)
    stranger = labelled_member(need.theme)
    assert _download(client, stranger, document).status_code == 404
    assert not can_read_brief(stranger, need)


def test_a_visitor_is_sent_to_sign_in(client, need, document):
    url = reverse("missions:request_attachment", args=[need.pk, document.pk])
    assert client.get(url).status_code == 302


def test_the_mission_team_reads_the_brief_on_the_mission_page(client):
    mission = MissionFactory()
    document = _attach(mission.request)
    expert = UserFactory(role="expert")  # not (or no longer) a member: on the team all the same
    mission.experts.add(expert)
    assert _download(client, expert, document).status_code == 200
    page = client.get(reverse("missions:mission_detail", args=[mission.pk])).content.decode()
    assert reverse("missions:request_attachment", args=[mission.request_id, document.pk]) in page
    member = MembershipFactory(collectivity=mission.collectivity, state="active").user
    assert _download(client, member, document).status_code == 200


def test_an_embassy_of_another_country_reads_no_brief(client, need, document):
    other = EmbassyAgentFactory(embassy__countries=["ML"])
    assert _download(client, other, document).status_code == 404
    own = EmbassyAgentFactory(embassy__countries=["SN"])
    assert _download(client, own, document).status_code == 200


# What the embassy sees of a mission


def test_the_embassy_sees_the_collectivity_chosen_never_the_others_nor_their_reasons(client):
    daect = UserFactory(role="daect")
    need = MissionRequestFactory(state=MissionRequest.State.PROPOSED, partner_name="Podor")
    chosen, chosen_member = _proposal_to(need)
    refused, refused_member = _proposal_to(need)
    services.proposal_decline(
        proposal=refused, by=refused_member, reason="Nos experts sont pris par les élections."
    )
    services.proposal_accept(proposal=chosen, by=chosen_member, experts=[chosen_member])
    mission = services.proposal_confirm(proposal=chosen, by=daect)
    assert MissionEvent.objects.filter(request=need, subject="proposal").exists()

    client.force_login(EmbassyAgentFactory(embassy__countries=["SN"]))
    for url in (
        reverse("missions:mission_detail", args=[mission.pk]),
        reverse("missions:request_detail", args=[need.pk]),
    ):
        page = client.get(url).content.decode()
        assert str(chosen.collectivity) in page
        assert str(refused.collectivity) not in page
        assert "élections" not in page
    history = client.get(reverse("missions:mission_detail", args=[mission.pk])).context["history"]
    # The mission's page shows the mission's own events, never the proposals' ones.
    assert history and all(event.proposal_id is None for event in history)
