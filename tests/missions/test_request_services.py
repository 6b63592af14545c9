"""The life of a need in missions.services: submitted by its embassy, qualified by DAECT."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from missions import services
from missions.models import MissionEvent, MissionRequest
from tests.accounts.factories import EmbassyAgentFactory
from tests.missions.factories import MissionRequestFactory

pytestmark = pytest.mark.django_db
State = MissionRequest.State


@pytest.fixture
def agent():
    return EmbassyAgentFactory()


def _history(need: MissionRequest) -> list[tuple[str, str]]:
    return list(
        MissionEvent.objects.filter(request=need, subject="request").values_list(
            "from_state", "to_state"
        )
    )


def _refused_with(code: str, action, **kwargs) -> None:
    with pytest.raises(ValidationError) as error:
        action(**kwargs)
    assert error.value.code == code


# Submitting


def test_an_agent_submits_a_draft_and_daect_is_told(
    agent, daect, django_capture_on_commit_callbacks
):
    need = MissionRequestFactory(created_by=agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(need=need, by=agent)
    need.refresh_from_db()
    assert need.state == State.SUBMITTED and need.submitted_at is not None
    assert _history(need) == [(State.DRAFT, State.SUBMITTED)]
    assert [m.to for m in mail.outbox] == [[daect.email]]


def test_a_country_the_embassy_does_not_cover_is_refused(agent, daect):
    _refused_with("country_not_covered", services.check_embassy_covers, user=agent, country="ML")
    need = MissionRequestFactory(created_by=agent, country="ML")
    _refused_with("country_not_covered", services.request_submit, need=need, by=agent)
    need.refresh_from_db()
    assert need.state == State.DRAFT and need.submitted_at is None
    assert not MissionEvent.objects.exists()
    assert not mail.outbox


def test_only_an_agent_of_the_need_embassy_submits_it(agent, daect):
    need = MissionRequestFactory(created_by=agent)
    for someone in [EmbassyAgentFactory(), daect]:
        with pytest.raises(PermissionDenied):
            services.request_submit(need=need, by=someone)
    need.refresh_from_db()
    assert need.state == State.DRAFT


def test_a_submitted_need_is_not_submitted_again(agent):
    need = MissionRequestFactory(created_by=agent, state=State.SUBMITTED)
    _refused_with("invalid_transition", services.request_submit, need=need, by=agent)


# Qualifying


def test_daect_qualifies_a_submitted_need(daect):
    need = MissionRequestFactory(state=State.SUBMITTED)
    services.request_qualify(need=need, by=daect, comment="Besoin précis et urgent.")
    need.refresh_from_db()
    assert need.state == State.QUALIFIED
    event = MissionEvent.objects.get(request=need)
    assert (event.actor, event.from_state, event.to_state) == (daect, "submitted", "qualified")
    assert event.comment == "Besoin précis et urgent."


def test_a_draft_cannot_be_qualified(daect):
    need = MissionRequestFactory()
    _refused_with("invalid_transition", services.request_qualify, need=need, by=daect)
    need.refresh_from_db()
    assert need.state == State.DRAFT and not _history(need)


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        (services.request_qualify, {}),
        (services.request_send_back, {"reason": "Précisez."}),
        (services.request_decline, {"reason": "Hors programme."}),
    ],
    ids=["qualify", "send_back", "decline"],
)
def test_only_daect_decides_on_a_need(agent, member, action, kwargs):
    need = MissionRequestFactory(created_by=agent, state=State.SUBMITTED)
    for someone in [agent, member]:
        with pytest.raises(PermissionDenied):
            action(need=need, by=someone, **kwargs)
    need.refresh_from_db()
    assert need.state == State.SUBMITTED and not _history(need)


# Sending back for more information, and resubmitting


def test_sending_back_needs_a_reason(daect):
    need = MissionRequestFactory(state=State.SUBMITTED)
    _refused_with("reason_required", services.request_send_back, need=need, by=daect, reason=" ")
    need.refresh_from_db()
    assert need.state == State.SUBMITTED


@pytest.mark.parametrize("state", [State.SUBMITTED, State.QUALIFIED])
def test_daect_sends_a_need_back_to_the_embassy(
    agent, daect, state, django_capture_on_commit_callbacks
):
    need = MissionRequestFactory(created_by=agent, state=state)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_send_back(need=need, by=daect, reason="Quel budget local ?")
    need.refresh_from_db()
    assert need.state == State.INFO_REQUESTED and need.is_editable
    assert _history(need) == [(state, State.INFO_REQUESTED)]
    assert MissionEvent.objects.get(request=need).comment == "Quel budget local ?"
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert "Quel budget local ?" in mail.outbox[0].body
    assert f"/besoins/{need.pk}/" in mail.outbox[0].body


def test_a_draft_cannot_be_sent_back(daect):
    need = MissionRequestFactory()
    _refused_with(
        "invalid_transition", services.request_send_back, need=need, by=daect, reason="Pourquoi ?"
    )


def test_the_embassy_resubmits_a_need_sent_back(agent, daect, django_capture_on_commit_callbacks):
    need = MissionRequestFactory(created_by=agent)
    services.request_submit(need=need, by=agent)
    first_submission = MissionRequest.objects.get(pk=need.pk).submitted_at
    services.request_send_back(need=need, by=daect, reason="Quel budget local ?")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(need=need, by=agent)
    need.refresh_from_db()
    assert need.state == State.SUBMITTED
    assert need.submitted_at == first_submission  # the first submission date is kept
    assert _history(need) == [
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, State.INFO_REQUESTED),
        (State.INFO_REQUESTED, State.SUBMITTED),
    ]
    assert [m.to for m in mail.outbox] == [[daect.email]]


# Declining


def test_declining_needs_a_reason(daect):
    need = MissionRequestFactory(state=State.SUBMITTED)
    _refused_with("reason_required", services.request_decline, need=need, by=daect, reason="")
    need.refresh_from_db()
    assert need.state == State.SUBMITTED and need.decision_reason == ""


@pytest.mark.parametrize("state", [State.SUBMITTED, State.QUALIFIED])
def test_daect_declines_a_need_with_a_reason(
    agent, daect, state, django_capture_on_commit_callbacks
):
    need = MissionRequestFactory(created_by=agent, state=state)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decline(need=need, by=daect, reason="Aucune collectivité labellisée.")
    need.refresh_from_db()
    assert (need.state, need.decision_reason) == (State.DECLINED, "Aucune collectivité labellisée.")
    assert _history(need) == [(state, State.DECLINED)]
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert "Aucune collectivité labellisée." in mail.outbox[0].body
    assert "Aucune collectivité labellisée." in mail.outbox[0].alternatives[0][0]


@pytest.mark.parametrize("state", [State.DRAFT, State.INFO_REQUESTED, State.DECLINED])
def test_a_need_is_declined_only_once_submitted(daect, state):
    need = MissionRequestFactory(state=state)
    _refused_with(
        "invalid_transition", services.request_decline, need=need, by=daect, reason="Non."
    )
    need.refresh_from_db()
    assert need.state == state


def test_e_mails_keep_apostrophes_in_plain_text(agent, daect, django_capture_on_commit_callbacks):
    need = MissionRequestFactory(
        created_by=agent, state=State.SUBMITTED, partner_name="Commune d'Oussouye"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decline(need=need, by=daect, reason="Il n'y a pas de budget.")
    message = mail.outbox[0]
    assert "Commune d'Oussouye" in message.subject
    assert "Il n'y a pas de budget." in message.body
