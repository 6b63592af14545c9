"""Every signed-in user finds their deadlines of the next 90 days on their dashboard."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core.dashboard import _registry
from expect.notifications.dashboard import upcoming_deadlines
from expect.notifications.rules import deadlines_for
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.labellisation.factories import LabelFactory
from tests.reports.factories import returned_mission

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("core:dashboard")
TEMPLATE = "notifications/section_deadlines.html"


def _section(response):
    (section,) = [s for s in response.context["sections"] if s.template == TEMPLATE]
    return section


def _label_expiring_in(days: int, **kwargs):
    valid_until = timezone.localdate() + datetime.timedelta(days=days)
    return LabelFactory(
        granted_on=valid_until - datetime.timedelta(days=3 * 365), valid_until=valid_until, **kwargs
    )


def test_the_section_is_registered_for_every_role():
    roles = next(roles for roles, builder in _registry if builder is upcoming_deadlines)
    assert roles == {"member", "expert", "embassy", "daect"}


def test_a_member_sees_the_label_expiring_within_90_days_with_links(client):
    soon = _label_expiring_in(40)
    member = MembershipFactory(collectivity=soon.collectivity, state="active").user
    _label_expiring_in(
        200, collectivity=soon.collectivity, application__collectivity=soon.collectivity
    )
    client.force_login(member)
    response = client.get(DASHBOARD)
    section = _section(response)
    assert [d.uid for d in section.context["deadlines"]] == [f"label-{soon.pk}"]
    html = response.content.decode()
    assert soon.valid_until.strftime("%d/%m/%Y") in html
    assert reverse("notifications:deadlines") in html
    assert reverse("notifications:preferences") in html


def test_an_expert_sees_their_report_due_date(client):
    mission = returned_mission()
    # Two months after the return: within the 90 days.
    client.force_login(mission.experts.get())
    section = _section(client.get(DASHBOARD))
    assert f"report-{mission.pk}" in [d.uid for d in section.context["deadlines"]]


def test_without_deadlines_the_section_says_so_and_still_links_to_the_calendar(client):
    client.force_login(EmbassyAgentFactory())
    response = client.get(DASHBOARD)
    assert _section(response).context["deadlines"] == []
    html = response.content.decode()
    assert _("You have no deadline in the next %(days)s days.") % {"days": 90} in html
    assert reverse("notifications:deadlines") in html


def test_daect_has_the_section_too(client, daect):
    client.force_login(daect)
    assert _section(client.get(DASHBOARD)).context["count"] == 0


def _queries(user) -> int:
    """The queries of this section alone, built and rendered (the others have their tests)."""
    request = RequestFactory().get(DASHBOARD)
    request.user = user
    with CaptureQueriesContext(connection) as captured:
        section = upcoming_deadlines(request)
        render_to_string(section.template, {"section": section.context}, request=request)
    return len(captured)


def test_more_deadlines_cost_no_more_queries():
    first = _label_expiring_in(30)
    collectivity = first.collectivity
    member = MembershipFactory(collectivity=collectivity, state="active", is_referent=True).user
    # A fresh instance each time, as a request loads it: nothing cached on it.
    few = _queries(User.objects.get(pk=member.pk))
    for days in (35, 45, 55, 65):
        _label_expiring_in(days, collectivity=collectivity, application__collectivity=collectivity)
    for _round in range(2):
        returned_mission(proposal__collectivity=collectivity)
    assert len(deadlines_for(member, days=90)) == 7
    assert _queries(User.objects.get(pk=member.pk)) == few
