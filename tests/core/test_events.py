"""One event shape: each service writes one row that reads as a French sentence, in Paris time."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from expect.core.models import Event
from labellisation import services as labellisation
from missions import services as missions
from reports import services as reports
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.labellisation.factories import CommitteeSessionFactory, complete_application
from tests.missions.factories import MissionFactory, MissionProposalFactory, MissionRequestFactory
from tests.reports.test_report_services import _submitted

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def anne():
    return UserFactory(
        role="daect", is_staff=True, is_superuser=True, first_name="Anne", last_name="Martin"
    )


@pytest.fixture
def submitted(anne):
    application = complete_application()
    return labellisation.application_submit(application=application, by=application.created_by)


def test_asking_for_information_reads_as_a_sentence_with_the_question(submitted, anne):
    labellisation.application_request_info(
        application=submitted, by=anne, comment="Joignez la délibération."
    )
    event = submitted.events.last()
    assert event.text == "Compléments demandés par Anne Martin : Joignez la délibération."
    assert (event.from_state, event.to_state, event.is_public) == (
        "submitted",
        "info_requested",
        True,
    )


def test_granting_says_until_when(submitted, anne):
    labellisation.application_start_review(application=submitted, by=anne)
    label = labellisation.application_grant(
        application=submitted, by=anne, on=D(2026, 12, 1), reason="Expertise reconnue."
    )
    event = submitted.events.get(verb=Event.Verb.APPLICATION_GRANTED)
    assert event.sentence == "Label accordé par Anne Martin jusqu’au 01/12/2029"
    assert label.valid_until == D(2029, 12, 1)


def test_scheduling_names_the_committee(submitted, anne):
    committee = CommitteeSessionFactory(date=D(2099, 1, 27), application_deadline=D(2099, 1, 16))
    labellisation.application_start_review(application=submitted, by=anne)
    labellisation.application_schedule(application=submitted, by=anne, committee=committee)
    event = submitted.events.last()
    assert event.sentence == "Inscrite au comité du 27/01/2099 par Anne Martin"


def test_a_note_is_internal_and_a_message_public(submitted, anne):
    labellisation.application_note(application=submitted, by=anne, text="Dossier solide.")
    labellisation.application_message(application=submitted, by=anne, text="Bonjour.")
    note, message = submitted.events.filter(kind__in=["note", "message"]).order_by("pk")
    assert (note.is_public, note.sentence) == (False, "Note interne de Anne Martin")
    assert (message.is_public, message.sentence) == (True, "Message de Anne Martin")


def test_the_time_is_shown_in_paris_time():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 13, 5, tzinfo=datetime.UTC)):
        event = Event(verb=Event.Verb.LABEL_EXPIRED, at=timezone.now())
    assert event.when == "01/12/2026 à 14:05"
    summer = Event(at=datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC))
    assert summer.when == "01/07/2026 à 14:00"


def test_the_sentence_follows_the_reader_language(submitted, anne):
    labellisation.application_request_info(application=submitted, by=anne, comment="?")
    event = submitted.events.last()
    with translation.override("en"):
        assert event.sentence == "More information requested by Anne Martin"


def test_a_need_sent_back_reads_as_a_sentence(anne):
    agent = EmbassyAgentFactory()
    need = MissionRequestFactory(created_by=agent, embassy=agent.embassy)
    missions.request_submit(need=need, by=agent)
    missions.request_send_back(need=need, by=anne, reason="Quel budget local ?")
    assert [e.text for e in need.events.all()] == [
        f"Besoin déposé par {agent.get_full_name()}",
        "Compléments demandés par Anne Martin : Quel budget local ?",
    ]


def test_new_dates_are_a_change_never_planned_to_planned(anne):
    mission = MissionFactory()
    args = {
        "departure": D(2099, 3, 2),
        "return_": D(2099, 3, 9),
        "place": "Dakar",
        "outside_period_reason": "Calendrier du partenaire",
    }
    missions.mission_plan(mission=mission, by=anne, **args)
    missions.mission_plan(mission=mission, by=anne, **args)  # the same dates: nothing to say
    event = mission.events.get()
    assert (event.kind, event.from_state, event.to_state) == ("change", "", "")
    assert event.sentence == "Dates fixées par Anne Martin : du 02/03/2099 au 09/03/2099, Dakar"
    assert event.request_id == mission.request_id  # on the need's timeline too


def _with_team():
    mission = MissionFactory()
    mission.experts.add(MembershipFactory(collectivity=mission.collectivity, state="active").user)
    return mission


def test_confirming_then_changing_the_dates_says_they_changed(anne):
    mission = _with_team()
    missions.mission_plan(
        mission=mission,
        by=anne,
        departure=D(2099, 3, 2),
        return_=D(2099, 3, 9),
        place="Dakar",
        outside_period_reason="Calendrier du partenaire",
    )
    missions.mission_confirm(mission=mission, by=anne)
    missions.mission_plan(
        mission=mission,
        by=anne,
        departure=D(2099, 3, 3),
        return_=D(2099, 3, 9),
        place="Dakar",
        outside_period_reason="Calendrier du partenaire",
    )
    assert [e.verb for e in mission.events.all()] == [
        "mission.dates_set",
        "mission.confirmed",
        "mission.dates_changed",
    ]
    assert mission.events.get(verb="mission.confirmed").sentence == (
        "Mission confirmée par Anne Martin"
    )


def test_moving_to_the_same_state_is_refused_and_records_nothing(anne):
    mission = _with_team()
    missions.mission_plan(
        mission=mission,
        by=anne,
        departure=D(2099, 3, 2),
        return_=D(2099, 3, 9),
        place="Dakar",
        outside_period_reason="Calendrier du partenaire",
    )
    missions.mission_confirm(mission=mission, by=anne)
    with pytest.raises(ValidationError) as error:
        missions.mission_confirm(mission=mission, by=anne)
    assert error.value.code == "invalid_transition"
    assert mission.events.filter(verb="mission.confirmed").count() == 1


def test_the_database_refuses_a_transition_that_keeps_the_state(anne):
    mission = MissionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            verb=Event.Verb.MISSION_CONFIRMED,
            mission=mission,
            request=mission.request,
            from_state="planned",
            to_state="planned",
        )


def test_a_revision_request_reads_as_a_sentence(anne):
    report = _submitted()
    reports.report_request_revision(report=report, by=anne, reason="Ajoutez le budget.")
    event = report.events.last()
    assert event.text == "Révision du rapport demandée par Anne Martin : Ajoutez le budget."
    assert event.mission_id == report.mission_id


def test_the_applicant_reads_public_events_only_and_daect_reads_all(client, submitted, anne):
    labellisation.application_note(application=submitted, by=anne, text="Avis réservé du pôle.")
    labellisation.application_request_info(application=submitted, by=anne, comment="Budget ?")
    member = MembershipFactory(collectivity=submitted.collectivity, state="active").user
    url = reverse("labellisation:application_detail", args=[submitted.pk])
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Compléments demandés par Anne Martin" in page
    assert "Avis réservé du pôle." not in page
    client.force_login(anne)
    assert "Avis réservé du pôle." in client.get(url).content.decode()


def test_the_admin_change_page_shows_the_same_timeline(client, submitted, anne):
    labellisation.application_request_info(application=submitted, by=anne, comment="Budget ?")
    url = reverse("admin:labellisation_labelapplication_change", args=[submitted.pk])
    client.force_login(anne)
    page = client.get(url).content.decode()
    assert "Compléments demandés par Anne Martin" in page
    assert timezone.localtime(submitted.events.last().at).strftime("%d/%m/%Y à %H:%M") in page


def test_the_embassy_reads_its_need_timeline_without_the_proposals(client, anne):
    agent = EmbassyAgentFactory()
    need = MissionRequestFactory(created_by=agent, embassy=agent.embassy)
    missions.request_submit(need=need, by=agent)
    missions.request_qualify(need=need, by=anne)
    Event.objects.create(
        verb=Event.Verb.PROPOSAL_DECLINED,
        request=need,
        proposal=MissionProposalFactory(request=need),
        actor=anne,
        from_state="open",
        to_state="declined",
        comment="Commune voisine : pas disponible",
        data={"collectivity": "Commune voisine"},
    )
    url = reverse("missions:request_detail", args=[need.pk])
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "Besoin qualifié par Anne Martin" in page
    assert "Commune voisine" not in page
    client.force_login(anne)
    assert "Commune voisine" in client.get(url).content.decode()


def test_deciding_a_membership_writes_one_event_of_the_same_shape(referent):
    from expect.accounts import services as accounts

    confirmed = MembershipFactory(collectivity=referent.membership.collectivity)
    refused = MembershipFactory(collectivity=referent.membership.collectivity)
    accounts.membership_confirm(membership=confirmed, by=referent)
    accounts.membership_refuse(membership=refused, by=referent, reason="Inconnu du service.")
    name = referent.get_full_name()
    assert confirmed.events.get().sentence == f"Adhésion confirmée par {name}"
    assert refused.events.get().text == (
        f"Demande d’adhésion refusée par {name} : Inconnu du service."
    )
    with pytest.raises(PermissionDenied):  # decided already: nothing more to decide
        accounts.membership_refuse(membership=confirmed, by=referent, reason="Trop tard.")
    assert confirmed.events.count() == 1
