"""At sending time the recipient is checked again, as well as the object: still on the
team, still a member, still active, still wanting this kind of message."""

import datetime

import pytest
import time_machine

from expect.accounts.models import Membership
from expect.notifications import sweep
from expect.notifications.models import Preference, Reminder
from missions.models import Mission
from tests.accounts.factories import MembershipFactory
from tests.labellisation.factories import CommitteeSessionFactory, LabelApplicationFactory
from tests.reports.factories import returned_mission

from .helpers import at, to

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 4, 14)


def _deliver(day: datetime.date) -> None:
    with time_machine.travel(at(day, hour=7), tick=False):
        sweep.deliver_pending()


@pytest.fixture
def mission():
    mission = returned_mission()
    Mission.objects.filter(pk=mission.pk).update(report_due_on=TODAY + datetime.timedelta(14))
    mission.refresh_from_db()
    return mission


def _plan(day=TODAY):
    with time_machine.travel(at(day), tick=False):
        sweep.plan_and_record()


def test_an_expert_removed_from_the_team_receives_nothing(mission, mailoutbox):
    expert = mission.experts.get()
    other = MembershipFactory(collectivity=mission.collectivity, state="active").user
    mission.experts.add(other)
    _plan()
    mission.experts.remove(expert)
    _deliver(TODAY)
    assert to(mailoutbox, expert.email) == []
    assert len(to(mailoutbox, other.email)) == 1
    row = Reminder.objects.get(recipient=expert)
    assert (row.status, row.last_error) == (
        "skipped",
        "The recipient is no longer concerned (team or membership)",
    )


def test_a_deactivated_account_receives_nothing(mission, mailoutbox):
    expert = mission.experts.get()
    _plan()
    expert.is_active = False
    expert.save(update_fields=["is_active"])
    _deliver(TODAY)
    assert mailoutbox == []
    assert Reminder.objects.get().status == "skipped"


def test_a_member_who_left_the_collectivity_is_not_reminded_of_its_draft(mailoutbox):
    CommitteeSessionFactory(
        date=datetime.date(2027, 1, 27), application_deadline=datetime.date(2027, 1, 15)
    )
    with time_machine.travel(at(datetime.date(2026, 12, 1)), tick=False):
        draft = LabelApplicationFactory()
    member = draft.created_by
    _plan(datetime.date(2027, 1, 5))
    Membership.objects.filter(user=member).update(state="refused")
    _deliver(datetime.date(2027, 1, 5))
    assert to(mailoutbox, member.email) == []
    assert Reminder.objects.get(recipient=member).status == "skipped"


def test_a_kind_turned_off_after_planning_is_not_sent(mailoutbox):
    CommitteeSessionFactory(
        date=datetime.date(2027, 1, 27), application_deadline=datetime.date(2027, 1, 15)
    )
    with time_machine.travel(at(datetime.date(2026, 12, 1)), tick=False):
        draft = LabelApplicationFactory()
    member = draft.created_by
    _plan(datetime.date(2027, 1, 5))
    Preference.objects.create(user=member, kind="labellisation.committee_deadline", mode="off")
    _deliver(datetime.date(2027, 1, 5))
    assert mailoutbox == []
    assert Reminder.objects.get(recipient=member).last_error == "Turned off by the recipient"
