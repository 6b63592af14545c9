"""Every page family costs the same number of queries with one object of each kind as
with four: public pages, the member's, the expert's, the embassy's, DAECT's portal pages
and the back office's lists (the volumes `make bench` measures are docs/performance.md)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.accounts.models import User
from labellisation.models import LabelApplication
from missions.models import MissionRequest
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.labellisation.factories import LabelFactory, complete_application
from tests.missions.factories import MissionProposalFactory, MissionRequestFactory
from tests.reports.factories import MissionReportFactory, returned_mission

pytestmark = pytest.mark.django_db


class World:
    """One collectivity with its member and expert, the embassy that relays its missions'
    needs, and DAECT; `grow()` adds one of everything each of them sees."""

    def __init__(self) -> None:
        self.grown = 0
        first = returned_mission()
        self.collectivity = first.collectivity
        self.agent = first.request.created_by
        self.expert = first.experts.get()
        self.member = MembershipFactory(collectivity=self.collectivity, state="active").user
        self.daect = UserFactory(role=User.Role.DAECT, is_staff=True, is_superuser=True)
        self.need = MissionRequestFactory(
            created_by=self.agent, state=MissionRequest.State.QUALIFIED
        )
        self.missions = [first]
        self._more(first)

    def grow(self) -> None:
        mission = returned_mission(
            collectivity=self.collectivity,
            proposal__collectivity=self.collectivity,
            proposal__request__created_by=self.agent,
        )
        mission.experts.add(self.expert)
        self.missions.append(mission)
        self._more(mission)

    def _more(self, mission) -> None:
        report = MissionReportFactory(mission=mission, state="accepted")
        report.is_published = True
        report.save()
        LabelFactory(
            collectivity=self.collectivity,
            application__collectivity=self.collectivity,
            application__created_by=self.member,
        )
        LabelFactory(application__theme=self.need.theme)  # a candidate for the need
        complete_application(created_by=self.member, collectivity=self.collectivity)
        MissionProposalFactory(
            request=MissionRequestFactory(
                created_by=self.agent, state=MissionRequest.State.PROPOSED
            ),
            collectivity=self.collectivity,
        )
        self.grown += 1


def _pages(world: World) -> dict[str, tuple[User | None, list[str]]]:
    mission, label = world.missions[0], world.collectivity.labels.first()
    application = LabelApplication.objects.filter(collectivity=world.collectivity).first()
    admin_lists = [
        "labellisation_labelapplication",
        "labellisation_label",
        "missions_missionrequest",
        "missions_missionproposal",
        "missions_mission",
        "reports_missionreport",
        "notifications_reminder",
        "notifications_outboxmessage",
        "accounts_membership",
        "accounts_user",
        "organisations_collectivity",
    ]
    return {
        "public": (
            None,
            [
                reverse("core:home"),
                reverse("labellisation:catalogue"),
                reverse("labellisation:catalogue") + f"?theme={label.theme_id}",
                reverse("labellisation:collectivity_detail", args=[world.collectivity.pk]),
                reverse("reports:library"),
                reverse("reports:figures"),
                reverse("labellisation:verify", args=[label.verification_code]),
            ],
        ),
        "member": (
            world.member,
            [
                reverse("organisations:my_collectivity"),
                reverse("labellisation:application_list"),
                reverse("labellisation:application_detail", args=[application.pk]),
                reverse("missions:proposal_list"),
                reverse("missions:mission_list"),
                reverse("missions:mission_detail", args=[mission.pk]),
                reverse("notifications:deadlines"),
            ],
        ),
        "expert": (
            world.expert,
            [
                reverse("core:dashboard"),
                reverse("missions:mission_list"),
                reverse("reports:report_detail", args=[mission.pk]),
            ],
        ),
        "embassy": (
            world.agent,
            [
                reverse("core:dashboard"),
                reverse("organisations:my_embassy"),
                reverse("missions:request_list"),
                reverse("missions:mission_list"),
                reverse("missions:mission_detail", args=[mission.pk]),
            ],
        ),
        "DAECT portal": (
            world.daect,
            [
                reverse("core:dashboard"),
                reverse("missions:request_list"),
                reverse("missions:mission_list"),
                reverse("missions:request_matching", args=[world.need.pk]),
            ],
        ),
        "admin": (world.daect, [reverse(f"admin:{name}_changelist") for name in admin_lists]),
    }


def _costs(client, urls: list[str]) -> dict[str, int]:
    costs = {}
    for url in urls:
        cache.clear()  # a cached public fragment would hide what the page costs
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        costs[url] = len(captured)
    return costs


@pytest.mark.parametrize(
    "family", ["public", "member", "expert", "embassy", "DAECT portal", "admin"]
)
def test_a_page_family_costs_as_many_queries_for_four_objects_as_for_one(
    client, settings, tmp_path, family
):
    settings.MEDIA_ROOT = tmp_path
    world = World()
    user, urls = _pages(world)[family]
    if user is not None:
        client.force_login(user)
    few = _costs(client, urls)
    for _ in range(3):
        world.grow()
    assert _costs(client, urls) == few


@pytest.mark.xfail(
    strict=True,
    reason="missions/reminders.py proposal_deadlines reads each proposal's theme "
    "(select_related('request') lacks '__theme'); the reminders' owner fixes it",
)
def test_the_member_dashboard_costs_as_many_queries_for_four_objects_as_for_one(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = World()
    client.force_login(world.member)
    few = _costs(client, [reverse("core:dashboard")])
    for _ in range(3):
        world.grow()
    assert _costs(client, [reverse("core:dashboard")]) == few
