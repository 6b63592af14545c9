"""Labels expire after three years: the members are invited to renew them in time;
drafts are reminded of the committee deadline; answers awaited for 7 days are reminded."""

import datetime

import pytest
import time_machine

from expect.accounts.models import User
from expect.notifications.models import Preference, Reminder
from labellisation import services
from labellisation.models import Label, LabelApplication
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.labellisation.factories import (
    CommitteeSessionFactory,
    LabelApplicationFactory,
    LabelFactory,
)

from .helpers import at, sweep_on, to

pytestmark = pytest.mark.django_db
State = LabelApplication.State
DAY = datetime.timedelta(days=1)


@pytest.fixture
def label():
    with time_machine.travel(at(datetime.date(2024, 9, 1)), tick=False):
        return LabelFactory(
            granted_on=datetime.date(2024, 9, 1), valid_until=datetime.date(2027, 9, 1)
        )


@pytest.fixture
def member(label):
    return label.application.created_by


@pytest.mark.parametrize(
    ("step_day", "step"),
    [
        (datetime.date(2027, 3, 1), "m-6"),
        (datetime.date(2027, 6, 1), "m-3"),
        (datetime.date(2027, 8, 1), "m-1"),
    ],
)
def test_members_are_invited_to_renew_six_three_and_one_month_before(label, member, step_day, step):
    assert to(sweep_on(step_day - DAY), member.email) == []
    sent = to(sweep_on(step_day), member.email)
    assert len(sent) == 1
    assert "1 septembre 2027" in sent[0].subject
    assert Reminder.objects.get(recipient=member, status="sent").step == f"{step}@2027-09-01"
    assert "/candidatures/nouvelle/" in sent[0].body


def test_not_before_six_months(label, member):
    assert to(sweep_on(datetime.date(2027, 2, 28)), member.email) == []


def test_on_expiry_the_label_becomes_expired_and_the_members_are_told(label, member):
    for day in (datetime.date(2027, 3, 1), datetime.date(2027, 6, 1), datetime.date(2027, 8, 1)):
        sweep_on(day)
    assert to(sweep_on(datetime.date(2027, 9, 1)), member.email) == []  # last valid day
    label.refresh_from_db()
    assert label.state == Label.State.ACTIVE

    [message] = to(sweep_on(datetime.date(2027, 9, 2)), member.email)
    label.refresh_from_db()
    assert label.state == Label.State.EXPIRED
    assert "expiré" in message.subject
    assert to(sweep_on(datetime.date(2027, 9, 3)), member.email) == []


def test_a_renewal_under_way_stops_the_invitations(label, member):
    LabelApplicationFactory(created_by=member, theme=label.theme, state=State.SUBMITTED)
    assert to(sweep_on(datetime.date(2027, 6, 1)), member.email) == []


def test_the_members_of_another_collectivity_are_not_told(label):
    other = MembershipFactory(state="active").user
    sent = sweep_on(datetime.date(2027, 3, 1))
    assert to(sent, other.email) == []


@pytest.fixture
def committee():
    return CommitteeSessionFactory(
        date=datetime.date(2027, 1, 27), application_deadline=datetime.date(2027, 1, 15)
    )


@pytest.fixture
def draft():
    with time_machine.travel(at(datetime.date(2026, 12, 1)), tick=False):
        return LabelApplicationFactory(state=State.DRAFT)


def test_drafts_are_reminded_ten_and_three_days_before_the_committee_deadline(committee, draft):
    member = draft.created_by
    assert to(sweep_on(datetime.date(2027, 1, 4)), member.email) == []
    [ten] = to(sweep_on(datetime.date(2027, 1, 5)), member.email)
    assert "15 janvier 2027" in ten.subject
    assert "10 jours" in ten.body
    assert to(sweep_on(datetime.date(2027, 1, 6)), member.email) == []
    [three] = to(sweep_on(datetime.date(2027, 1, 12)), member.email)
    assert "3 jours" in three.body


def test_a_submitted_application_gets_no_committee_reminder(committee, draft):
    LabelApplication.objects.filter(pk=draft.pk).update(state=State.SUBMITTED)
    assert to(sweep_on(datetime.date(2027, 1, 5)), draft.created_by.email) == []


def test_the_committee_reminder_is_optional_and_can_come_in_a_digest(committee, draft):
    member = draft.created_by
    Preference.objects.create(user=member, kind="labellisation.committee_deadline", mode="digest")
    assert to(sweep_on(datetime.date(2027, 1, 5), hour=6), member.email) == []
    [digest] = to(sweep_on(datetime.date(2027, 1, 5), hour=8), member.email)
    assert "15 janvier 2027" in digest.body
    assert Reminder.objects.get(kind="labellisation.committee_deadline").status == "in_digest"
    assert to(sweep_on(datetime.date(2027, 1, 6), hour=8), member.email) == []


def test_a_turned_off_reminder_is_not_sent_and_says_so_in_the_log(committee, draft):
    member = draft.created_by
    Preference.objects.create(user=member, kind="labellisation.committee_deadline", mode="off")
    assert to(sweep_on(datetime.date(2027, 1, 5)), member.email) == []
    assert Reminder.objects.get(recipient=member).status == Reminder.Status.SKIPPED


@pytest.fixture
def daect_agent():
    return UserFactory(role=User.Role.DAECT, is_staff=True)


def test_information_requested_and_unanswered_after_seven_days(daect_agent):
    with time_machine.travel(at(datetime.date(2027, 2, 1), hour=10), tick=False):
        application = LabelApplicationFactory(state=State.SUBMITTED)
        services.application_request_info(
            application=application, by=daect_agent, comment="Joignez la délibération."
        )
    member = application.created_by
    assert to(sweep_on(datetime.date(2027, 2, 8), hour=9), member.email) == []
    [message] = to(sweep_on(datetime.date(2027, 2, 8), hour=11), member.email)
    assert "Joignez la délibération." in message.body
    assert to(sweep_on(datetime.date(2027, 2, 15), hour=11), member.email) == []


def test_an_opinion_not_given_after_seven_days_is_reminded(daect_agent):
    asked = UserFactory(role=User.Role.DAECT, is_staff=True)
    with time_machine.travel(at(datetime.date(2027, 2, 1), hour=5), tick=False):
        application = LabelApplicationFactory(state=State.SUBMITTED)
        opinion = services.opinion_request(application=application, by=daect_agent, of=asked)
    assert to(sweep_on(datetime.date(2027, 2, 7)), asked.email) == []
    [message] = to(sweep_on(datetime.date(2027, 2, 8)), asked.email)
    assert f"/avis/{opinion.pk}/" in message.body


def test_an_opinion_given_in_time_is_not_reminded(daect_agent):
    asked = UserFactory(role=User.Role.DAECT, is_staff=True)
    with time_machine.travel(at(datetime.date(2027, 2, 1), hour=5), tick=False):
        application = LabelApplicationFactory(state=State.SUBMITTED)
        opinion = services.opinion_request(application=application, by=daect_agent, of=asked)
        services.opinion_give(
            opinion=opinion, by=asked, recommendation="favourable", text="Oui.", conflict="none"
        )
    assert to(sweep_on(datetime.date(2027, 2, 8)), asked.email) == []
