import datetime

import factory
from django.utils import timezone

from missions.models import Mission, MissionProposal, MissionRequest
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.labellisation.factories import LabelFactory
from tests.organisations.factories import ThemeFactory


def _soon(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class MissionRequestFactory(factory.django.DjangoModelFactory):
    """A draft need of a Senegalese municipality, by an agent of the embassy in Dakar."""

    class Meta:
        model = MissionRequest

    created_by = factory.SubFactory(EmbassyAgentFactory)
    embassy = factory.LazyAttribute(lambda o: o.created_by.embassy)
    country = "SN"
    partner_name = "Commune de Saint-Louis"
    partner_kind = MissionRequest.PartnerKind.MUNICIPALITY
    partner_place = "Saint-Louis"
    theme = factory.SubFactory(ThemeFactory)
    description = "Organiser la collecte des déchets ménagers."
    expected_results = "Un plan de collecte adopté par le conseil municipal."
    period_start = factory.LazyFunction(lambda: _soon(60))
    period_end = factory.LazyFunction(lambda: _soon(120))
    duration_days = 10
    working_language_id = "fr"


def labelled_member(theme, **label_kwargs):
    """A confirmed member of a collectivity labelled on `theme` (label valid today)."""
    label = LabelFactory(application__theme=theme, **label_kwargs)
    return MembershipFactory(collectivity=label.collectivity, state="active").user


class MissionProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionProposal

    request = factory.SubFactory(MissionRequestFactory, state=MissionRequest.State.PROPOSED)
    collectivity = factory.LazyAttribute(
        lambda o: labelled_member(o.request.theme).membership.collectivity
    )
    response_deadline = factory.LazyFunction(lambda: _soon(14))
    proposed_by = factory.SubFactory("tests.accounts.factories.UserFactory", role="daect")


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    proposal = factory.SubFactory(
        MissionProposalFactory,
        state=MissionProposal.State.CONFIRMED,
        request__state=MissionRequest.State.MISSION,
    )
    request = factory.LazyAttribute(lambda o: o.proposal.request)
    collectivity = factory.LazyAttribute(lambda o: o.proposal.collectivity)
    place = "Saint-Louis"
    departure_date = factory.LazyFunction(lambda: _soon(70))
    return_date = factory.LazyFunction(lambda: _soon(80))
