"""Each count of the DAECT digest links to a list that shows the same rows: the counts and
the lists use the same QuerySet methods (`to_review`, `Mission.objects.report_overdue`…)."""

import datetime
import re

import pytest
from django.utils import timezone

from expect.accounts.models import User
from labellisation.models import LabelApplication
from missions.models import Mission, MissionProposal, MissionRequest
from reports.models import MissionReport
from tests.accounts.factories import UserFactory
from tests.labellisation.factories import LabelApplicationFactory
from tests.missions.factories import MissionFactory, MissionProposalFactory, MissionRequestFactory
from tests.reports.factories import MissionReportFactory, returned_mission

from .helpers import sweep_on, to

pytestmark = pytest.mark.django_db
State = LabelApplication.State


def _items(body: str) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} of the digest's "what waits on you"."""
    found = re.findall(r"- (.+?) : (\d+)\n\s+(\S+)", body)
    return {label: (int(count), url) for label, count, url in found}


def _listed(client, url: str) -> int:
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    return response.context["cl"].result_count


def test_every_count_of_the_digest_matches_the_list_it_links_to(client, settings):
    agent = UserFactory(role=User.Role.DAECT, is_staff=True, is_superuser=True)
    LabelApplicationFactory(state=State.SUBMITTED)
    LabelApplicationFactory(state=State.RESUBMITTED)  # counted before, not listed
    LabelApplicationFactory(state=State.DRAFT)
    overdue_unstarted = returned_mission()
    started = MissionReportFactory()
    long_ago = timezone.localdate() - datetime.timedelta(days=40)
    Mission.objects.filter(pk__in=[overdue_unstarted.pk, started.mission_id]).update(
        report_due_on=long_ago
    )
    returned_mission()  # awaited, not overdue
    MissionReportFactory(state=MissionReport.State.SUBMITTED)
    MissionProposalFactory(state=MissionProposal.State.ACCEPTED)
    MissionProposalFactory()  # open: not counted, not listed
    MissionRequestFactory(state=MissionRequest.State.SUBMITTED)
    MissionFactory(state=Mission.State.PLANNED)

    [digest] = to(sweep_on(timezone.localdate(), hour=8), agent.email)
    items = _items(digest.body)
    assert items["Candidatures à examiner"][0] == 2
    assert items["Rapports en retard"][0] == 2
    assert items["Rapports à évaluer"][0] == 1
    client.force_login(agent)
    for label in (
        "Candidatures à examiner",
        "Rapports en retard",
        "Rapports à évaluer",
        "Propositions acceptées à confirmer",
        "Besoins à qualifier",
        "Missions à planifier",
    ):
        count, url = items[label]
        assert _listed(client, url) == count, label
