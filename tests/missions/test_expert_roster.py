"""One roster of experts per collectivity: those proposed in its label applications, those
named on its missions and the invited accounts, one entry per e-mail; accepting a proposal
picks from it (inviting whoever has no account yet) or adds to it."""

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from expect.accounts.models import User
from labellisation.models import ProposedExpert
from missions import roster, services
from missions.models import ExpertRosterEntry, MissionProposal, MissionRequest
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.missions.factories import MissionProposalFactory, MissionRequestFactory, labelled_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    need = MissionRequestFactory(state=MissionRequest.State.QUALIFIED)
    member = labelled_member(need.theme)
    member.need = need
    return member


def _propose(member) -> MissionProposal:
    from django.utils import timezone

    daect = UserFactory(role="daect")
    return services.proposal_create(
        need=member.need,
        collectivity=member.collectivity,
        by=daect,
        deadline=timezone.localdate(),
    )


def _proposed_expert(member, email="awa.ndiaye@lyon.fr", name="Awa Ndiaye"):
    application = member.collectivity.label_applications.first()
    expert = ProposedExpert.objects.create(
        application=application, name=name, position="Ingénieure", email=email
    )
    expert.languages.add("fr", "en")
    return expert


def test_proposing_a_need_brings_the_label_application_s_experts_into_the_roster(member):
    _proposed_expert(member)
    _proposed_expert(member, email="AWA.NDIAYE@lyon.fr")  # the same person, twice
    _propose(member)
    [entry] = ExpertRosterEntry.objects.filter(collectivity=member.collectivity)
    assert (entry.name, entry.position, entry.account) == ("Awa Ndiaye", "Ingénieure", None)
    assert set(entry.languages.values_list("code", flat=True)) == {"fr", "en"}


def test_invited_accounts_are_on_the_roster_linked_to_their_account(member):
    expert = MembershipFactory(
        collectivity=member.collectivity, state="active", user__role=User.Role.EXPERT
    ).user
    roster.sync_roster(member.collectivity)
    entry = ExpertRosterEntry.objects.get(collectivity=member.collectivity, email=expert.email)
    assert entry.account == expert


def test_the_database_keeps_one_entry_per_address(member):
    ExpertRosterEntry.objects.create(collectivity=member.collectivity, name="A", email="a@lyon.fr")
    with pytest.raises(IntegrityError):
        ExpertRosterEntry.objects.create(
            collectivity=member.collectivity, name="A", email="A@LYON.FR"
        )


def test_accepting_picks_a_roster_expert_who_gets_an_account_and_an_invitation(client, member):
    _proposed_expert(member)
    proposal = _propose(member)
    entry = ExpertRosterEntry.objects.get(collectivity=member.collectivity)
    client.force_login(member)
    page = client.get(reverse("missions:proposal_detail", args=[proposal.pk]))
    assert "Awa Ndiaye — Ingénieure" in page.content.decode()
    response = client.post(
        reverse("missions:proposal_accept", args=[proposal.pk]),
        {"roster": [entry.pk], "new-TOTAL_FORMS": "0", "new-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    expert = proposal.experts.get()
    assert (expert.email, expert.first_name, expert.last_name) == (
        "awa.ndiaye@lyon.fr",
        "Awa",
        "Ndiaye",
    )
    entry.refresh_from_db()
    assert entry.account == expert
    assert ["awa.ndiaye@lyon.fr"] in [message.to for message in mail.outbox]


def test_a_new_expert_added_on_acceptance_joins_the_roster_with_languages(client, member):
    proposal = _propose(member)
    client.force_login(member)
    client.post(
        reverse("missions:proposal_accept", args=[proposal.pk]),
        {
            "new-TOTAL_FORMS": "1",
            "new-INITIAL_FORMS": "0",
            "new-0-first_name": "Léa",
            "new-0-last_name": "Martin",
            "new-0-email": "lea.martin@lyon.fr",
            "new-0-position": "Urbaniste",
            "new-0-languages": ["es"],
        },
    )
    entry = ExpertRosterEntry.objects.get(collectivity=member.collectivity)
    assert entry.account.email == "lea.martin@lyon.fr"
    assert list(entry.languages.values_list("code", flat=True)) == ["es"]


def test_another_collectivity_s_roster_is_never_offered(client, member):
    other = labelled_member(member.need.theme)
    ExpertRosterEntry.objects.create(
        collectivity=other.collectivity, name="Paul Autre", email="paul@ailleurs.fr"
    )
    proposal = _propose(member)
    client.force_login(member)
    page = client.get(reverse("missions:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Paul Autre" not in page
    stranger = ExpertRosterEntry.objects.get(email="paul@ailleurs.fr")
    response = client.post(
        reverse("missions:proposal_accept", args=[proposal.pk]),
        {"roster": [stranger.pk], "new-TOTAL_FORMS": "0", "new-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert MissionProposalFactory._meta.model.objects.get(pk=proposal.pk).state == "open"
