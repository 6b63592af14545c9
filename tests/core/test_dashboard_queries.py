"""The dashboards cost the same number of queries however many objects they list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.models import Mission
from tests.accounts.factories import MembershipFactory
from tests.labellisation.factories import LabelFactory, complete_application
from tests.missions.factories import MissionFactory

pytestmark = pytest.mark.django_db


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:dashboard")).status_code == 200
    return len(captured)


def test_a_member_dashboard(client, settings, tmp_path, member):
    settings.MEDIA_ROOT = tmp_path
    collectivity = member.collectivity
    client.force_login(member)
    complete_application(created_by=member)
    few = _queries(client)
    for _ in range(4):
        LabelFactory(
            application__created_by=member,
            collectivity=collectivity,
            application__collectivity=collectivity,
        )
        complete_application(created_by=member)
    assert collectivity.labels.count() == 4 and collectivity.label_applications.count() == 9
    assert _queries(client) == few


def test_an_embassy_dashboard(client):
    mission = MissionFactory()
    agent = mission.request.created_by
    client.force_login(agent)
    few = _queries(client)
    for _ in range(4):
        MissionFactory(proposal__request__created_by=agent)
    assert Mission.objects.visible_to(agent).count() == 5
    assert _queries(client) == few


def test_a_daect_dashboard_lists_membership_requests_at_a_constant_cost(client, daect):
    client.force_login(daect)
    first = MembershipFactory()
    few = _queries(client)
    MembershipFactory.create_batch(5)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert first.user.get_full_name() in page and "Examiner 6 demandes" in page
    assert _queries(client) == few
