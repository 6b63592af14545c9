"""Deciding from the object's page: the buttons of the state, a short form, a clear message.

(Who may use which button is walked in test_admin_permissions.py.)
"""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from labellisation.models import ApplicationEvent, Label, LabelApplication, Opinion
from tests.accounts.factories import UserFactory
from tests.labellisation.factories import (
    CommitteeSessionFactory,
    LabelFactory,
    complete_application,
)
from tests.missions.factories import MissionFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db
State = LabelApplication.State


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff_client(client, daect):
    client.force_login(daect)
    return client


def _application(state=State.IN_REVIEW):
    return complete_application(state=state, submitted_at=timezone.now())


def _action_url(obj, action: str) -> str:
    info = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_object_action"
    return reverse(info, args=[obj.pk, action])


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _buttons(client, obj) -> list[str]:
    return [b["action"].name for b in client.get(_change_url(obj)).context["object_actions"]]


def test_the_page_offers_the_decisions_of_the_state(staff_client):
    assert _buttons(staff_client, _application(State.SUBMITTED)) == [
        "start_review",
        "request_info",
        "request_opinion",
    ]
    assert _buttons(staff_client, _application(State.IN_REVIEW)) == [
        "request_info",
        "request_opinion",
        "schedule",
        "grant",
        "refuse",
    ]
    assert _buttons(staff_client, _application(State.GRANTED)) == []


def test_granting_says_until_when_and_who_was_told(staff_client):
    application = _application()
    response = staff_client.post(_action_url(application, "grant"), {"reason": ""})

    label = Label.objects.get(application=application)
    assert response["Location"] == _change_url(application)
    assert _messages(response) == [
        f"Le label a été accordé jusqu’au {label.valid_until:%d/%m/%Y} ; "
        "la collectivité a été prévenue par courriel."
    ]
    assert mail.outbox


def test_opening_a_decision_changes_nothing_and_says_it_cannot_be_undone(staff_client):
    application = _application()
    page = staff_client.get(_action_url(application, "grant"))
    assert page.status_code == 200
    assert "Cette décision est définitive." in page.content.decode()
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    assert not Label.objects.exists()


def test_a_refusal_without_a_reason_is_sent_back_with_a_french_message(staff_client):
    application = _application()
    response = staff_client.post(_action_url(application, "refuse"), {"reason": "  "})
    assert response.status_code == 200
    assert "Indiquez le motif : il est obligatoire ici." in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


def test_a_committee_that_has_met_cannot_be_chosen(staff_client):
    application = _application()
    past = CommitteeSessionFactory(
        date=timezone.localdate() - timedelta(days=1),
        application_deadline=timezone.localdate() - timedelta(days=10),
    )
    response = staff_client.post(_action_url(application, "schedule"), {"committee": past.pk})
    assert "Choisissez un comité à venir" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW and application.committee_id != past.pk


def test_a_late_dossier_is_refused_by_the_service_unless_accepted(staff_client):
    application = _application()
    day = timezone.localdate() + timedelta(days=20)
    late = CommitteeSessionFactory(
        date=day, application_deadline=timezone.localdate() - timedelta(days=1)
    )
    response = staff_client.post(_action_url(application, "schedule"), {"committee": late.pk})
    assert "Cette candidature est arrivée après la date limite de ce comité" in (
        response.content.decode()
    )
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


def test_scheduling_says_which_committee_and_what_comes_next(staff_client):
    application = _application()
    committee = CommitteeSessionFactory(
        date=timezone.localdate() + timedelta(days=30),
        application_deadline=timezone.localdate() + timedelta(days=20),
    )
    response = staff_client.post(_action_url(application, "schedule"), {"committee": committee.pk})
    assert f"comité du {committee.date:%d/%m/%Y}" in _messages(response)[0]
    application.refresh_from_db()
    assert application.state == State.SCHEDULED and application.committee == committee


def test_a_service_refusal_comes_back_as_a_message_and_changes_nothing(staff_client):
    application = _application()
    LabelFactory(
        collectivity=application.collectivity,
        theme=application.theme,
        application__collectivity=application.collectivity,
        application__created_by=application.created_by,
        state=Label.State.SUSPENDED,
    )
    events = ApplicationEvent.objects.count()
    response = staff_client.post(_action_url(application, "grant"), {"reason": ""})
    assert "levez d’abord la suspension" in " ".join(_messages(response))
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    assert ApplicationEvent.objects.count() == events


def test_a_decision_no_longer_possible_sends_back_to_the_page(staff_client):
    application = _application(State.GRANTED)
    response = staff_client.post(_action_url(application, "refuse"), {"reason": "Trop tard"})
    assert response["Location"] == _change_url(application)
    assert "n’est pas possible maintenant" in _messages(response)[0]
    application.refresh_from_db()
    assert application.state == State.GRANTED


def test_an_opinion_is_asked_of_a_colleague_never_of_the_applicant(staff_client):
    application = _application()
    colleague = UserFactory(role="daect", first_name="Anne", last_name="Martin")
    form = staff_client.get(_action_url(application, "request_opinion")).context["form"]
    people = set(form.fields["requested_from"].queryset)
    assert colleague in people and application.created_by not in people

    response = staff_client.post(
        _action_url(application, "request_opinion"),
        {"requested_from": colleague.pk, "question": "Qu’en pensez-vous ?"},
    )
    assert "Un avis a été demandé à Anne Martin" in _messages(response)[0]
    assert Opinion.objects.get(application=application).requested_from == colleague


def test_planning_a_mission_says_when_the_report_is_due(staff_client):
    mission = MissionFactory()
    start = timezone.localdate() + timedelta(days=90)
    response = staff_client.post(
        _action_url(mission, "plan"),
        {
            "departure_date": start.isoformat(),
            "return_date": (start + timedelta(days=9)).isoformat(),
            "place": "Thiès",
        },
    )
    mission.refresh_from_db()
    assert mission.place == "Thiès"
    assert f"le rapport sera attendu le {mission.report_due_on:%d/%m/%Y}" in _messages(response)[0]


def test_a_return_before_the_departure_is_refused_on_the_form(staff_client):
    mission = MissionFactory()
    start = timezone.localdate() + timedelta(days=90)
    response = staff_client.post(
        _action_url(mission, "plan"),
        {
            "departure_date": start.isoformat(),
            "return_date": (start - timedelta(days=1)).isoformat(),
            "place": "Thiès",
        },
    )
    assert "Le retour ne peut pas précéder le départ." in response.content.decode()
    mission.refresh_from_db()
    assert mission.place == "Saint-Louis"


def test_accepting_a_report_with_a_rating_closes_the_mission(staff_client):
    report = MissionReportFactory(state="submitted", submitted_at=timezone.now())
    response = staff_client.post(
        _action_url(report, "accept"), {"rating": "4", "evaluation": "Excellent."}
    )
    report.refresh_from_db()
    assert report.state == "accepted" and report.rating == 4
    assert "Le rapport est accepté" in _messages(response)[0]


def test_only_get_and_post_reach_a_decision(staff_client):
    application = _application()
    assert staff_client.put(_action_url(application, "grant")).status_code == 405


def test_an_unknown_decision_is_not_found(staff_client):
    application = _application()
    assert staff_client.get(_action_url(application, "delete_everything")).status_code == 404
