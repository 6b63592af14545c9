"""Each user sees their own deadlines on a page and subscribes to them in their calendar app,
through a secret address they can renew."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar

from expect.accounts.models import User
from expect.notifications.models import CalendarFeed
from missions.models import Mission
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.labellisation.factories import LabelFactory
from tests.reports.factories import returned_mission

pytestmark = pytest.mark.django_db
DEADLINES = reverse("notifications:deadlines")
RENEW = reverse("notifications:renew_feed")


def _feed_path(user) -> str:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return reverse("notifications:calendar_feed", args=[feed.token])


def _calendar(client, user) -> Calendar:
    response = client.get(_feed_path(user))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    calendar.validate()
    return calendar


def _uids(calendar: Calendar) -> list[str]:
    return [str(event["UID"]) for event in calendar.events]


def _member_of(collectivity) -> User:
    return MembershipFactory(collectivity=collectivity, state="active").user


@pytest.fixture
def label_a():
    return LabelFactory()


@pytest.fixture
def label_b():
    return LabelFactory()


@pytest.fixture
def mission():
    return returned_mission()


# The deadlines page ---------------------------------------------------------------------


def test_it_asks_a_visitor_to_sign_in(client):
    response = client.get(DEADLINES)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_member_sees_the_expiry_of_their_collectivity_label_with_a_link(client, label_a):
    member = _member_of(label_a.collectivity)
    client.force_login(member)
    response = client.get(DEADLINES)
    assert response.status_code == 200
    html = response.content.decode()
    assert label_a.valid_until.strftime("%d/%m/%Y") in html
    assert str(label_a.theme) in html
    assert reverse("labellisation:application_create") in html


def test_a_user_without_deadlines_reads_that_there_is_none(client):
    agent = EmbassyAgentFactory()
    client.force_login(agent)
    response = client.get(DEADLINES)
    assert response.context["deadlines"] == []
    assert "<table" not in response.content.decode()


def test_the_page_creates_the_feed_on_the_first_visit_and_shows_its_absolute_address(
    client, member, settings
):
    settings.SITE_URL = "https://expe-ct.example.fr"
    client.force_login(member)
    assert not CalendarFeed.objects.filter(user=member).exists()
    html = client.get(DEADLINES).content.decode()
    feed = CalendarFeed.objects.get(user=member)
    assert f"https://expe-ct.example.fr/notifications/calendrier/{feed.token}.ics" in html
    client.get(DEADLINES)
    assert CalendarFeed.objects.filter(user=member).count() == 1


def test_renewing_the_address_kills_the_old_one(client, member):
    client.force_login(member)
    client.get(DEADLINES)
    old = _feed_path(member)
    response = client.post(RENEW)
    assert response.status_code == 302 and response["Location"] == DEADLINES
    new = _feed_path(member)
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_renewal_is_confirmed_on_the_page(client, member):
    client.force_login(member)
    response = client.post(RENEW, follow=True)
    message = _(
        "Your calendar has a new address: the old one no longer works. Subscribe again "
        "with the address below in your calendar app."
    )
    assert message in response.content.decode().replace("&#x27;", "'")


def test_the_renewal_needs_a_post(client, member):
    client.force_login(member)
    client.get(DEADLINES)
    token = CalendarFeed.objects.get(user=member).token
    assert client.get(RENEW).status_code == 405
    assert CalendarFeed.objects.get(user=member).token == token


def test_a_visitor_cannot_renew_an_address(client):
    response = client.post(RENEW)
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


# The iCalendar feed ----------------------------------------------------------------------


def test_the_feed_is_a_valid_calendar_of_all_day_events(client, label_a):
    member = _member_of(label_a.collectivity)
    response = client.get(_feed_path(member))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    calendar.validate()
    assert str(calendar["PRODID"]) == "-//MEAE DAECT//EXPE-CT//FR"
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["X-WR-CALNAME"]
    (event,) = calendar.events
    assert event.start == label_a.valid_until
    assert not isinstance(event.start, datetime.datetime)  # VALUE=DATE, a whole day
    assert event.end == label_a.valid_until + datetime.timedelta(days=1)
    assert str(event["UID"]) == f"label-{label_a.pk}@expe-ct"
    assert event["DTSTAMP"] and event["SUMMARY"]
    assert str(event["URL"]) in str(event["DESCRIPTION"])
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt < datetime.timedelta(0)


def test_every_event_has_the_required_properties_and_a_unique_uid(client, mission):
    referent = MembershipFactory(
        collectivity=mission.collectivity, state="active", is_referent=True
    )
    member = referent.user
    LabelFactory(collectivity=mission.collectivity, application__collectivity=mission.collectivity)
    calendar = _calendar(client, member)
    assert len(calendar.events) >= 3  # two labels (the mission's and the new one), a report
    for event in calendar.events:
        assert "UID" in event and "DTSTAMP" in event and "DTSTART" in event
    assert len(set(_uids(calendar))) == len(_uids(calendar))


def test_the_uids_stay_the_same_from_one_download_to_the_next(client, label_a):
    member = _member_of(label_a.collectivity)
    assert _uids(_calendar(client, member)) == _uids(_calendar(client, member))


def test_a_member_sees_their_collectivity_label_and_not_another_one(client, label_a, label_b):
    member = _member_of(label_a.collectivity)
    uids = _uids(_calendar(client, member))
    assert f"label-{label_a.pk}@expe-ct" in uids
    assert f"label-{label_b.pk}@expe-ct" not in uids


def test_an_expert_sees_the_report_of_their_mission_and_not_another_one(client, mission):
    other = returned_mission()
    expert = mission.experts.get()
    uids = _uids(_calendar(client, expert))
    assert f"report-{mission.pk}@expe-ct" in uids
    assert f"report-{other.pk}@expe-ct" not in uids


def test_daect_staff_see_the_coming_committees_and_members_do_not(client, daect, label_a):
    from tests.labellisation.factories import CommitteeSessionFactory

    today = timezone.localdate()
    committee = CommitteeSessionFactory(
        date=today + datetime.timedelta(days=40),
        application_deadline=today + datetime.timedelta(days=20),
    )
    daect_uids = _uids(_calendar(client, daect))
    assert f"committee-{committee.pk}@expe-ct" in daect_uids
    assert f"committee-{committee.pk}-deadline@expe-ct" in daect_uids
    member_uids = _uids(_calendar(client, _member_of(label_a.collectivity)))
    assert f"committee-{committee.pk}@expe-ct" not in member_uids


def test_an_embassy_agent_sees_none_of_those(client, mission, label_a):
    # The agent of the very embassy that asked for the mission.
    agent = mission.request.created_by
    calendar = _calendar(client, agent)
    assert calendar.events == []


def test_a_deadline_just_passed_stays_in_the_feed_for_a_while(client, mission):
    expert = mission.experts.get()
    Mission.objects.filter(pk=mission.pk).update(
        state=Mission.State.REPORT_DUE, report_due_on=timezone.localdate() - datetime.timedelta(10)
    )
    assert f"report-{mission.pk}@expe-ct" in _uids(_calendar(client, expert))
    Mission.objects.filter(pk=mission.pk).update(
        report_due_on=timezone.localdate() - datetime.timedelta(60)
    )
    assert f"report-{mission.pk}@expe-ct" not in _uids(_calendar(client, expert))


def _expiry_title(label, language: str) -> str:
    with translation.override(language):
        return _("Label expires: %(theme)s") % {"theme": label.theme}


def test_the_feed_speaks_the_language_the_user_chose(client, label_a):
    member = _member_of(label_a.collectivity)
    with translation.override("en"):  # whatever the language of the request
        assert _calendar(client, member).events[0]["SUMMARY"] == _expiry_title(label_a, "fr")
    member.preferred_language = "en"
    member.save()
    english = _calendar(client, member).events[0]["SUMMARY"]
    assert english == _expiry_title(label_a, "en") == f"Label expires: {label_a.theme}"


def test_an_unknown_token_is_not_found(client):
    path = reverse("notifications:calendar_feed", args=["n0t-a-real-t0ken"])
    assert client.get(path).status_code == 404


def test_the_feed_of_a_deactivated_account_is_not_found(client, label_a):
    member = _member_of(label_a.collectivity)
    path = _feed_path(member)
    member.is_active = False
    member.save()
    assert client.get(path).status_code == 404


def test_the_feed_refuses_a_post(client):
    user = UserFactory()
    assert client.post(_feed_path(user)).status_code == 405
