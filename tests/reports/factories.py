import datetime

import factory
from django.utils import timezone

from expect.accounts.models import User
from missions.models import Mission
from reports.models import MissionReport
from tests.accounts.factories import MembershipFactory
from tests.missions.factories import MissionFactory


def returned_mission(**kwargs) -> Mission:
    """A mission back in France yesterday, with one expert of the collectivity on its team."""
    back = timezone.localdate() - datetime.timedelta(days=1)
    mission = MissionFactory(
        state=Mission.State.RETURNED,
        return_date=back,
        departure_date=back - datetime.timedelta(days=8),
        **kwargs,
    )
    expert = MembershipFactory(
        collectivity=mission.collectivity, state="active", user__role=User.Role.EXPERT
    ).user
    mission.experts.add(expert)
    return mission


class MissionReportFactory(factory.django.DjangoModelFactory):
    """A draft report of a returned mission."""

    class Meta:
        model = MissionReport

    mission = factory.LazyFunction(returned_mission)
    summary = "Appui à la mise en place d’un budget participatif à Saint-Louis."
    results = "Un règlement adopté ; trois quartiers pilotes."
