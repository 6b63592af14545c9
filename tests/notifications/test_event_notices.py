"""Every event notice of the registry reaches its recipients, and nobody else.

The test walks `expect.notifications.events.all_notices()`: a notice added without
a scenario here fails, so the registry and this test cannot drift apart.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from expect.accounts.models import Membership, User
from expect.core.models import Event
from expect.notifications.events import all_notices, notices_for
from expect.notifications.models import Preference, Reminder
from labellisation import services as labellisation
from missions import services as missions
from missions.models import Mission, MissionRequest
from reports import services as reports
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.labellisation.factories import CommitteeSessionFactory, complete_application
from tests.missions.factories import (
    MissionFactory,
    MissionProposalFactory,
    MissionRequestFactory,
    labelled_member,
)
from tests.organisations.factories import ThemeFactory
from tests.reports.factories import returned_mission
from tests.reports.test_report_services import _submitted

pytestmark = pytest.mark.django_db
Verb = Event.Verb
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@dataclass
class World:
    anne: User  # the DAECT agent who acts
    bernard: User  # another DAECT agent
    agent: User  # the embassy's agent, whose need it is
    other_agent: User  # another embassy's
    member_a: User  # of the collectivity chosen
    expert_a: User  # on the team
    member_b: User  # of another collectivity approached
    theme: object

    def need(self, **kwargs) -> MissionRequest:
        return MissionRequestFactory(created_by=self.agent, theme=self.theme, **kwargs)

    def mission(self, **kwargs) -> Mission:
        need = self.need(state=MissionRequest.State.MISSION)
        mission = MissionFactory(
            proposal__request=need, proposal__collectivity=self.collectivity_a, **kwargs
        )
        mission.experts.add(self.expert_a)
        return mission

    @property
    def collectivity_a(self):
        return self.member_a.membership.collectivity

    @property
    def members_a(self) -> set[User]:
        """Every confirmed member of the collectivity chosen (experts excepted)."""
        return {
            m.user
            for m in Membership.objects.active().filter(
                collectivity=self.collectivity_a, user__role="member"
            )
        }


@pytest.fixture
def world():
    theme = ThemeFactory()
    member_a = labelled_member(theme)
    expert_a = MembershipFactory(
        collectivity=member_a.membership.collectivity, state="active", user__role="expert"
    ).user
    return World(
        anne=UserFactory(role="daect", is_staff=True, first_name="Anne", last_name="Martin"),
        bernard=UserFactory(role="daect", is_staff=True),
        agent=EmbassyAgentFactory(),
        other_agent=EmbassyAgentFactory(),
        member_a=member_a,
        expert_a=expert_a,
        member_b=labelled_member(theme),
        theme=theme,
    )


SCENARIOS = {}


def scenario(*verbs):
    def register(function):
        for verb in verbs:
            SCENARIOS[verb] = function
        return function

    return register


@scenario(Verb.APPLICATION_SCHEDULED)
def _scheduled(w: World):
    application = complete_application(
        collectivity=w.collectivity_a, created_by=w.member_a, theme=ThemeFactory()
    )
    labellisation.application_submit(application=application, by=w.member_a)
    labellisation.application_start_review(application=application, by=w.anne)
    committee = CommitteeSessionFactory(date=D(2099, 1, 27), application_deadline=D(2099, 1, 16))
    return (
        lambda: labellisation.application_schedule(
            application=application, by=w.anne, committee=committee
        ),
        w.members_a,
    )


@scenario(Verb.OPINION_GIVEN)
def _opinion(w: World):
    application = complete_application(
        collectivity=w.collectivity_a, created_by=w.member_a, theme=ThemeFactory()
    )
    application = labellisation.application_submit(application=application, by=w.member_a)
    opinion = labellisation.opinion_request(application=application, by=w.anne, of=w.agent)
    return (
        lambda: labellisation.opinion_give(
            opinion=opinion,
            by=w.agent,
            recommendation="favourable",
            text="Solide.",
            conflict="none",
        ),
        {w.anne, w.bernard},
    )


@scenario(Verb.REQUEST_QUALIFIED)
def _qualified(w: World):
    need = w.need(state=MissionRequest.State.SUBMITTED)
    return lambda: missions.request_qualify(need=need, by=w.anne), {w.agent}


@scenario(Verb.REQUEST_PROPOSED)
def _proposed(w: World):
    need = w.need(state=MissionRequest.State.QUALIFIED)
    deadline = D.today() + datetime.timedelta(days=10)
    return (
        lambda: missions.proposal_create(
            need=need, collectivity=w.collectivity_a, by=w.anne, deadline=deadline
        ),
        {w.agent},
    )


@scenario(Verb.REQUEST_MATCHED, Verb.PROPOSAL_ACCEPTED)
def _accepted(w: World):
    need = w.need(state=MissionRequest.State.PROPOSED)
    MissionProposalFactory(request=need, collectivity=w.member_b.membership.collectivity)
    proposal = MissionProposalFactory(request=need, collectivity=w.collectivity_a)
    return (
        lambda: missions.proposal_accept(proposal=proposal, by=w.member_a, experts=[w.member_a]),
        {w.agent},
    )


@scenario(Verb.PROPOSAL_DECLINED)
def _declined(w: World):
    need = w.need(state=MissionRequest.State.PROPOSED)
    proposal = MissionProposalFactory(request=need, collectivity=w.member_b.membership.collectivity)
    return (
        lambda: missions.proposal_decline(
            proposal=proposal, by=w.member_b, reason="Pas disponible en mars"
        ),
        {w.agent},
    )


@scenario(Verb.MISSION_CONFIRMED)
def _confirmed(w: World):
    mission = w.mission()
    return lambda: missions.mission_confirm(mission=mission, by=w.anne), {
        w.expert_a,
        *w.members_a,
        w.agent,
    }


@scenario(Verb.MISSION_DATES_CHANGED)
def _dates_changed(w: World):
    mission = w.mission(state=Mission.State.CONFIRMED)
    return (
        lambda: missions.mission_plan(
            mission=mission,
            by=w.anne,
            departure=mission.departure_date + datetime.timedelta(days=1),
            return_=mission.return_date,
            place="Dakar",
        ),
        {w.expert_a, *w.members_a, w.agent},
    )


@scenario(Verb.MISSION_TEAM_CHANGED)
def _team_changed(w: World):
    mission = w.mission(state=Mission.State.CONFIRMED)
    return (
        lambda: missions.mission_set_team(
            mission=mission, by=w.anne, experts=[w.expert_a, w.member_a]
        ),
        {w.expert_a, *w.members_a, w.agent},
    )


def _report(w: World):
    mission = returned_mission(
        proposal__request=w.need(state=MissionRequest.State.MISSION),
        proposal__collectivity=w.collectivity_a,
    )
    return _submitted(mission=mission)


@scenario(Verb.REPORT_ACCEPTED)
def _report_accepted(w: World):
    report = _report(w)
    # The team hears of it from reports.emails; the notice tells the others.
    return lambda: reports.report_accept(report=report, by=w.anne, rating=3), {
        *w.members_a,
        w.agent,
    }


@scenario(Verb.REPORT_REVISION_REQUESTED)
def _report_revision(w: World):
    report = _report(w)
    return (
        lambda: reports.report_request_revision(report=report, by=w.anne, reason="Le budget ?"),
        {*w.members_a, w.agent},
    )


@scenario(Verb.REPORT_PUBLISHED)
def _report_published(w: World):
    report = reports.report_accept(report=_report(w), by=w.anne, rating=3)
    team = set(report.mission.experts.all())
    return lambda: reports.report_publish(report=report, by=w.anne), {
        *team,
        *w.members_a,
        w.agent,
    }


def test_every_verb_of_the_registry_has_a_scenario():
    verbs = {verb for notice in all_notices() for verb in notice.verbs}
    assert verbs and verbs <= set(SCENARIOS)


def _kinds_sent(verb: str) -> dict[str, set[int]]:
    events = Event.objects.filter(verb=verb).values_list("pk", flat=True)
    rows = Reminder.objects.filter(
        content_type=ContentType.objects.get_for_model(Event),
        object_id__in=list(events),
        status=Reminder.Status.SENT,
    )
    sent: dict[str, set[int]] = {}
    for kind, user_id in rows.values_list("kind", "recipient_id"):
        sent.setdefault(kind, set()).add(user_id)
    return sent


@pytest.mark.parametrize("verb", sorted(SCENARIOS))
def test_each_event_reaches_the_right_people_and_no_one_else(
    world, verb, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action, expected = SCENARIOS[verb](world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action()
    notices = notices_for(verb)
    sent = _kinds_sent(verb)
    expected_ids = {user.pk for user in expected}
    for notice in notices:
        assert sent.get(notice.kind) == expected_ids, notice.kind
    for notice in notices:
        headline = str(notice.headline)
        told = {a for m in mail.outbox if headline in m.subject for a in m.to}
        assert told == {user.email for user in expected}, notice.kind
        for message in (m for m in mail.outbox if headline in m.subject):
            assert message.subject.startswith("[EXPE-CT] EXPE-CT-"), message.subject
    anyone_told = {address for message in mail.outbox for address in message.to}
    for forbidden in {world.other_agent, world.member_b} - set(expected):
        assert forbidden.email not in anyone_told, forbidden


def test_the_embassy_never_learns_who_was_approached_nor_their_reasons(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action, _ = _declined(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action()
    (to_embassy,) = [m for m in mail.outbox if world.agent.email in m.to]
    name = world.member_b.membership.collectivity.name
    for part in (to_embassy.body, to_embassy.alternatives[0][0]):
        assert name not in part
        assert "Pas disponible" not in part
    assert "Une collectivité a répondu à la proposition de votre besoin" in to_embassy.subject


def test_the_confirmed_mission_carries_its_sheet_and_its_dates(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action, _ = _confirmed(world)
        mission = Mission.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action()
    (message,) = [m for m in mail.outbox if world.agent.email in m.to]
    names = {name: mimetype for name, _, mimetype in message.attachments}
    assert names == {
        f"fiche-mission-{mission.reference}.pdf": "application/pdf",
        f"{mission.reference}.ics": "text/calendar",
    }
    ics = next(content for name, content, _ in message.attachments if name.endswith(".ics"))
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert f"DTSTART;VALUE=DATE:{mission.departure_date:%Y%m%d}" in ics
    assert "Mission confirmée par Anne Martin" in message.body
    assert mission.reference in message.subject
    assert "Équipe" in message.body and world.expert_a.get_full_name() in message.body


def test_a_notice_follows_the_recipient_preference(world, django_capture_on_commit_callbacks):
    kind = notices_for(Verb.REQUEST_QUALIFIED)[0].kind
    Preference.objects.create(user=world.agent, kind=kind, mode=Preference.Mode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        action, _ = _qualified(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action()
    assert mail.outbox == []
    row = Reminder.objects.get(kind=kind)
    assert (row.recipient, row.status) == (world.agent, Reminder.Status.HELD)


def test_a_notice_turned_off_is_not_sent(world, django_capture_on_commit_callbacks):
    kind = notices_for(Verb.REQUEST_QUALIFIED)[0].kind
    Preference.objects.create(user=world.agent, kind=kind, mode=Preference.Mode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        action, _ = _qualified(world)
        action()
    assert Reminder.objects.get(kind=kind).status == Reminder.Status.SKIPPED
    assert not [m for m in mail.outbox if world.agent.email in m.to]


def test_the_english_reader_gets_english(world, django_capture_on_commit_callbacks):
    world.agent.preferred_language = "en"
    world.agent.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        action, _ = _qualified(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action()
    (message,) = mail.outbox
    assert "Your need moved on" in message.subject
    assert "Need qualified by Anne Martin" in message.body
