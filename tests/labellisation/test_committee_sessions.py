"""A committee meets as a session: members, attendance and quorum; its chair records every
decision of the day in one screen, dated the session's day, never before it meets."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from labellisation import services
from labellisation.models import ApplicationEvent, Attendance, Label, LabelApplication, Opinion
from tests.accounts.factories import EmbassyAgentFactory, UserFactory
from tests.core.test_pdf import pdf_text
from tests.labellisation.factories import CommitteeSessionFactory, LabelApplicationFactory

pytestmark = pytest.mark.django_db
State = LabelApplication.State
SESSION_DAY = datetime.date(2027, 1, 27)


def _paris(day: datetime.date, hour: int = 10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def chair(db):
    return UserFactory(role="daect", is_staff=True, first_name="Claire", last_name="Présidente")


@pytest.fixture
def session(chair):
    session = CommitteeSessionFactory(date=SESSION_DAY, quorum=2, chair=chair)
    members = [UserFactory(last_name=f"Membre{n}") for n in range(3)]
    session.members.add(*members)
    Attendance.objects.create(session=session, member=members[0], status="present")
    Attendance.objects.create(session=session, member=members[1], status="present")
    Attendance.objects.create(session=session, member=members[2], status="excused")
    return session


def _dossier(session, **kwargs) -> LabelApplication:
    return LabelApplicationFactory(
        committee=session,
        state=State.SCHEDULED,
        submitted_at=_paris(SESSION_DAY - datetime.timedelta(days=30)),
        **kwargs,
    )


def _decisions(*rows):
    return [services.SessionDecision(application=a, verdict=v, reason=r) for a, v, r in rows]


def _post(client, session, rows):
    data = {
        "decisions-TOTAL_FORMS": str(len(rows)),
        "decisions-INITIAL_FORMS": str(len(rows)),
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "1000",
    }
    for i, (application, verdict, reason) in enumerate(rows):
        data[f"decisions-{i}-application"] = application.pk
        data[f"decisions-{i}-verdict"] = verdict
        data[f"decisions-{i}-reason"] = reason
    return client.post(reverse("labellisation:committee_decide", args=[session.pk]), data)


def test_the_chair_records_every_decision_of_the_session_in_one_screen(client, chair, session):
    granted, refused, postponed = _dossier(session), _dossier(session), _dossier(session)
    following = CommitteeSessionFactory(date=SESSION_DAY + datetime.timedelta(days=60))

    with time_machine.travel(_paris(SESSION_DAY, 17)):
        client.force_login(chair)
        page = client.get(reverse("labellisation:committee_detail", args=[session.pk]))
        assert page.content.decode().count('name="decisions-') >= 6
        response = _post(
            client,
            session,
            [
                (granted, "grant", "Expertise reconnue."),
                (refused, "refuse", "Hors du programme."),
                (postponed, "postpone", "Pièces à compléter."),
            ],
        )

    assert response.status_code == 302
    for dossier in (granted, refused, postponed):
        dossier.refresh_from_db()
    assert granted.state == State.GRANTED and granted.decision_session == session
    assert timezone.localdate(granted.decided_at) == SESSION_DAY
    assert Label.objects.get(application=granted).granted_on == SESSION_DAY
    assert refused.state == State.REFUSED and refused.decision_reason == "Hors du programme."
    assert postponed.state == State.SCHEDULED and postponed.committee == following
    assert len(mail.outbox) == 2  # the applicants of the grant and of the refusal


def test_a_decision_recorded_days_later_is_dated_the_day_of_the_session(chair, session):
    dossier = _dossier(session)
    with time_machine.travel(_paris(SESSION_DAY + datetime.timedelta(days=5))):
        services.committee_record_decisions(
            session=session, by=chair, decisions=_decisions((dossier, "grant", ""))
        )
    dossier.refresh_from_db()
    assert timezone.localdate(dossier.decided_at) == SESSION_DAY
    event = dossier.events.filter(to_state=State.GRANTED).get()
    assert "Comité du 27/01/2027" in event.comment or "comité du 27/01/2027" in event.comment


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (SESSION_DAY - datetime.timedelta(days=1), False),
        (SESSION_DAY, True),
        (SESSION_DAY + datetime.timedelta(days=1), True),
    ],
)
def test_no_decision_is_recorded_before_the_session_meets(chair, session, day, allowed):
    dossier = _dossier(session)
    with time_machine.travel(_paris(day)):
        if allowed:
            services.committee_record_decisions(
                session=session, by=chair, decisions=_decisions((dossier, "grant", ""))
            )
        else:
            with pytest.raises(ValidationError, match="à partir du jour de sa réunion, le 27/01"):
                services.committee_record_decisions(
                    session=session, by=chair, decisions=_decisions((dossier, "grant", ""))
                )
    dossier.refresh_from_db()
    assert (dossier.state == State.GRANTED) is allowed


def test_the_page_says_before_the_day_that_decisions_wait_and_rolling_ones_stay_possible(
    client, chair, session
):
    _dossier(session)
    with time_machine.travel(_paris(SESSION_DAY - datetime.timedelta(days=1))):
        client.force_login(chair)
        page = client.get(reverse("labellisation:committee_detail", args=[session.pk]))
    text = page.content.decode()
    assert "à partir du jour de sa réunion" in text
    assert "au fil de l’eau" in text
    assert 'name="decisions-0-verdict"' not in text


def test_without_quorum_nothing_is_recorded(client, chair, session):
    Attendance.objects.filter(session=session, status="present").first().delete()
    first, second = _dossier(session), _dossier(session)
    with time_machine.travel(_paris(SESSION_DAY, 17)):
        client.force_login(chair)
        response = _post(client, session, [(first, "grant", ""), (second, "refuse", "Non.")])
    assert "Quorum non atteint : 1 membre(s) présent(s) sur les 2 requis" in (
        response.content.decode()
    )
    assert set(LabelApplication.objects.values_list("state", flat=True)) == {State.SCHEDULED}
    assert not Label.objects.exists()


def test_one_bad_decision_records_none_of_them(chair, session):
    first, second = _dossier(session), _dossier(session)
    with time_machine.travel(_paris(SESSION_DAY, 17)), pytest.raises(ValidationError) as error:
        services.committee_record_decisions(
            session=session,
            by=chair,
            decisions=_decisions((first, "grant", ""), (second, "refuse", "")),
        )
    assert second.reference in error.value.messages[0]
    first.refresh_from_db()
    assert first.state == State.SCHEDULED and not Label.objects.exists()


def test_a_refusal_without_reason_is_shown_on_the_form(client, chair, session):
    dossier = _dossier(session)
    with time_machine.travel(_paris(SESSION_DAY, 17)):
        client.force_login(chair)
        response = _post(client, session, [(dossier, "refuse", "")])
    assert "Indiquez le motif de cette décision." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.SCHEDULED


def test_only_the_chair_records_the_decisions(client, chair, session):
    other = UserFactory(role="daect", is_staff=True)
    dossier = _dossier(session)
    with time_machine.travel(_paris(SESSION_DAY, 17)):
        with pytest.raises(PermissionDenied):
            services.committee_record_decisions(
                session=session, by=other, decisions=_decisions((dossier, "grant", ""))
            )
        client.force_login(other)
        assert _post(client, session, [(dossier, "grant", "")]).status_code == 403
    dossier.refresh_from_db()
    assert dossier.state == State.SCHEDULED


def test_a_dossier_of_another_committee_is_refused(client, chair, session):
    elsewhere = _dossier(CommitteeSessionFactory())
    with time_machine.travel(_paris(SESSION_DAY, 17)):
        client.force_login(chair)
        _post(client, session, [(elsewhere, "grant", "")])
    elsewhere.refresh_from_db()
    assert elsewhere.state == State.SCHEDULED


def test_a_rolling_decision_outside_a_session_stays_possible_and_says_so(chair, session):
    dossier = _dossier(session)
    with time_machine.travel(_paris(SESSION_DAY - datetime.timedelta(days=10))):
        services.application_grant(application=dossier, by=chair, reason="Urgence.")
    dossier.refresh_from_db()
    assert dossier.state == State.GRANTED and dossier.decision_session is None
    event = dossier.events.filter(to_state=State.GRANTED).get()
    assert "au fil de l’eau, hors comité" in event.comment and "Urgence." in event.comment


def test_the_page_shows_the_opinions_side_by_side(client, chair, session):
    dossier = _dossier(session)
    agent = EmbassyAgentFactory(first_name="Inès", last_name="Poste")
    Opinion.objects.create(
        application=dossier,
        requested_from=agent,
        requested_by=chair,
        recommendation="reserved",
        text="Partenaire fragile.",
        given_at=timezone.now(),
        conflict="declared",
        conflict_details="Ancienne collègue.",
    )
    client.force_login(chair)
    page = client.get(reverse("labellisation:committee_detail", args=[session.pk])).content
    text = page.decode()
    assert "Réservé : 1" in text
    assert "Partenaire fragile." in text and "Ancienne collègue." in text


def test_the_minutes_list_the_present_the_opinions_the_decisions_and_the_signatory(
    client, chair, session
):
    dossier = _dossier(session)
    Opinion.objects.create(
        application=dossier,
        requested_from=EmbassyAgentFactory(),
        requested_by=chair,
        recommendation="favourable",
        text="Oui.",
        given_at=timezone.now(),
        conflict="none",
    )
    with time_machine.travel(_paris(SESSION_DAY, 17)):
        services.committee_record_decisions(
            session=session, by=chair, decisions=_decisions((dossier, "grant", "Bel ancrage."))
        )
    client.force_login(chair)
    response = client.get(reverse("labellisation:committee_minutes", args=[session.pk]))
    text = " ".join(pdf_text(response.content).split())
    assert "Membre0" in text and "Membre1" in text
    assert "Quorum atteint" in text
    assert "Favorable : 1" in text
    assert "Bel ancrage." in text and "Accordée" in text
    assert "27/01/2027" in text
    assert "Claire Présidente" in text


def test_the_agenda_gives_each_dossiers_opinions_summary(client, chair, session):
    _dossier(session)
    client.force_login(chair)
    response = client.get(reverse("labellisation:committee_agenda", args=[session.pk]))
    text = " ".join(pdf_text(response.content).split())
    assert "Aucun avis demandé" in text
    assert "Claire Présidente" in text


def test_an_attendance_belongs_to_a_member_of_the_committee(session):
    outsider = UserFactory()
    attendance = Attendance(session=session, member=outsider, status="present")
    with pytest.raises(ValidationError):
        attendance.full_clean()


def test_the_history_keeps_no_internal_note_for_a_plain_decision(chair, session):
    dossier = _dossier(session)
    with time_machine.travel(_paris(SESSION_DAY, 17)):
        services.committee_record_decisions(
            session=session, by=chair, decisions=_decisions((dossier, "grant", ""))
        )
    assert not ApplicationEvent.objects.filter(application=dossier, is_public=False).exists()
