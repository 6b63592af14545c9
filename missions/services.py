"""The life of a need, of its proposals and of the mission, in one place.

need: draft → submitted → (more information requested → submitted)* → qualified
→ proposed → matched → mission | declined | cancelled.
proposal: open → accepted | declined; accepted → confirmed (one per need) | closed.
mission: planned → confirmed → under way → returned → (reports: report due →
report submitted → closed); cancelled with a reason.
Each function checks the actor and the state, locks the rows it changes and
records the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import Membership, User
from expect.core.archive import record_bulk_change
from labellisation.models import Label

from . import emails
from .models import Mission, MissionEvent, MissionProposal, MissionRequest
from .permissions import is_member_of

RState = MissionRequest.State
PState = MissionProposal.State
MState = Mission.State


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _record(
    need: MissionRequest, by: User, subject: str, before: str, after: str, comment: str = ""
) -> None:
    MissionEvent.objects.create(
        request=need, actor=by, subject=subject, from_state=before, to_state=after, comment=comment
    )


def _lock_request(need: MissionRequest) -> MissionRequest:
    return MissionRequest.objects.select_for_update().get(pk=need.pk)


def _move_request(
    need: MissionRequest,
    by: User,
    to: str,
    allowed: Iterable[str],
    comment: str = "",
    fields: Iterable[str] = (),
) -> MissionRequest:
    # A discarded need is finished: replaying a link to it (submit, qualify) does nothing.
    if need.is_archived:
        raise _refuse(_("This need was discarded: nothing more can be done on it."), "archived")
    if need.state not in allowed:
        raise _refuse(
            _("This is not possible while the need is “%(state)s”.")
            % {"state": need.get_state_display()},
            "invalid_transition",
        )
    before, need.state = need.state, to
    need.save(update_fields=["state", *fields])
    _record(need, by, "request", before, to, comment)
    return need


def _require_daect(user: User) -> None:
    if not (user.is_authenticated and user.is_daect):
        raise PermissionDenied(_("Only DAECT can do this."))


def check_embassy_covers(user: User, country: str) -> None:
    """An embassy agent submits needs of its own countries only."""
    if not user.is_embassy_agent:
        raise PermissionDenied(_("Only an embassy agent submits needs."))
    if not user.embassy.covers(str(country)):
        raise _refuse(_("Your embassy does not cover this country."), "country_not_covered")


@transaction.atomic
def request_submit(*, need: MissionRequest, by: User) -> MissionRequest:
    need = _lock_request(need)
    if need.embassy_id != getattr(by, "embassy_id", None):
        raise PermissionDenied(_("This need belongs to another embassy."))
    check_embassy_covers(by, need.country)
    if need.is_archived:
        raise _refuse(_("This need was discarded: it can no longer be submitted."), "archived")
    need.submitted_at = need.submitted_at or timezone.now()
    _move_request(
        need, by, RState.SUBMITTED, [RState.DRAFT, RState.INFO_REQUESTED], fields=["submitted_at"]
    )
    transaction.on_commit(partial(emails.request_submitted, need))
    return need


@transaction.atomic
def request_qualify(*, need: MissionRequest, by: User, comment: str = "") -> MissionRequest:
    _require_daect(by)
    return _move_request(_lock_request(need), by, RState.QUALIFIED, [RState.SUBMITTED], comment)


@transaction.atomic
def request_send_back(*, need: MissionRequest, by: User, reason: str) -> MissionRequest:
    _require_daect(by)
    if not reason.strip():
        raise _refuse(_("Say what information is needed."), "reason_required")
    need = _move_request(
        _lock_request(need), by, RState.INFO_REQUESTED, [RState.SUBMITTED, RState.QUALIFIED], reason
    )
    transaction.on_commit(partial(emails.request_sent_back, need, reason))
    return need


@transaction.atomic
def request_decline(*, need: MissionRequest, by: User, reason: str) -> MissionRequest:
    _require_daect(by)
    if not reason.strip():
        raise _refuse(_("A refusal needs a reason."), "reason_required")
    need = _lock_request(need)
    need.decision_reason = reason
    _move_request(
        need,
        by,
        RState.DECLINED,
        [RState.SUBMITTED, RState.QUALIFIED],
        reason,
        fields=["decision_reason"],
    )
    transaction.on_commit(partial(emails.request_declined, need))
    return need


def _has_valid_label(collectivity_id: int, need: MissionRequest, on: date) -> bool:
    return (
        Label.objects.valid_on(on)
        .filter(collectivity_id=collectivity_id, theme_id=need.theme_id)
        .exists()
    )


@transaction.atomic
def proposal_create(
    *, need: MissionRequest, collectivity, by: User, deadline: date, message: str = ""
) -> MissionProposal:
    """Propose a qualified need to a collectivity labelled on its theme."""
    _require_daect(by)
    need = _lock_request(need)
    today = timezone.localdate()
    if need.state not in MissionRequest.PROPOSABLE_STATES:
        raise _refuse(_("Only a qualified need can be proposed."), "not_qualified")
    if not _has_valid_label(collectivity.pk, need, today):
        raise _refuse(
            _("%(collectivity)s holds no valid label on “%(theme)s”.")
            % {"collectivity": collectivity, "theme": need.theme},
            "no_label",
        )
    if deadline < today:
        raise _refuse(_("The answer deadline is already past."), "deadline_past")
    if need.proposals.filter(collectivity=collectivity).exists():
        raise _refuse(_("This need was already proposed to this collectivity."), "duplicate")
    proposal = MissionProposal.objects.create(
        request=need,
        collectivity=collectivity,
        response_deadline=deadline,
        message=message,
        proposed_by=by,
    )
    _record(need, by, "proposal", "", PState.OPEN, str(collectivity))
    if need.state == RState.QUALIFIED:
        _move_request(need, by, RState.PROPOSED, [RState.QUALIFIED])
    transaction.on_commit(partial(emails.proposal_made, proposal))
    return proposal


def _lock_proposal(proposal: MissionProposal) -> MissionProposal:
    return MissionProposal.objects.select_for_update().select_related("request").get(pk=proposal.pk)


def _check_answerable(proposal: MissionProposal, by: User) -> None:
    if not is_member_of(by, proposal.collectivity_id):
        raise PermissionDenied(_("Only the collectivity's members answer this proposal."))
    if proposal.state != PState.OPEN:
        raise _refuse(_("This proposal was already answered or closed."), "not_open")
    if proposal.request.state in MissionRequest.CLOSED_STATES:
        raise _refuse(_("This need was given to another collectivity or closed."), "taken")
    if proposal.is_late():
        raise _refuse(
            _("The answer deadline (%(date)s) is past; contact DAECT.")
            % {"date": proposal.response_deadline.strftime("%d/%m/%Y")},
            "late",
        )


@transaction.atomic
def proposal_accept(
    *, proposal: MissionProposal, by: User, experts: Iterable[User]
) -> MissionProposal:
    """Accept with the experts the collectivity names (its confirmed members)."""
    proposal = _lock_proposal(proposal)
    _check_answerable(proposal, by)
    experts = list(experts)
    if not experts:
        raise _refuse(_("Name at least one expert."), "no_expert")
    team_ids = set(
        Membership.objects.active()
        .filter(collectivity_id=proposal.collectivity_id)
        .values_list("user_id", flat=True)
    )
    if any(expert.pk not in team_ids for expert in experts):
        raise _refuse(_("Experts must belong to the collectivity."), "foreign_expert")
    proposal.state, proposal.answered_by, proposal.answered_at = (
        PState.ACCEPTED,
        by,
        timezone.now(),
    )
    proposal.save(update_fields=["state", "answered_by", "answered_at"])
    proposal.experts.set(experts)
    need = _lock_request(proposal.request)
    _record(need, by, "proposal", PState.OPEN, PState.ACCEPTED, str(proposal.collectivity))
    if need.state == RState.PROPOSED:
        _move_request(need, by, RState.MATCHED, [RState.PROPOSED])
    transaction.on_commit(partial(emails.proposal_answered, proposal))
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: MissionProposal, by: User, reason: str) -> MissionProposal:
    if not reason.strip():
        raise _refuse(_("Give the reason of your refusal."), "reason_required")
    proposal = _lock_proposal(proposal)
    _check_answerable(proposal, by)
    proposal.state, proposal.answered_by, proposal.answered_at = (
        PState.DECLINED,
        by,
        timezone.now(),
    )
    proposal.answer_reason = reason
    proposal.save(update_fields=["state", "answered_by", "answered_at", "answer_reason"])
    _record(proposal.request, by, "proposal", PState.OPEN, PState.DECLINED, reason)
    transaction.on_commit(partial(emails.proposal_answered, proposal))
    return proposal


@transaction.atomic
def proposal_confirm(*, proposal: MissionProposal, by: User) -> Mission:
    """DAECT confirms one acceptance: the need becomes a mission, other proposals close.

    The need's row is locked first, so two confirmations at once leave one mission:
    the second finds the need already turned into a mission.
    """
    _require_daect(by)
    need = _lock_request(proposal.request)
    proposal = _lock_proposal(proposal)
    if need.state != RState.MATCHED:
        raise _refuse(
            _("This need already became a mission or is not accepted yet."), "not_matched"
        )
    if proposal.state != PState.ACCEPTED:
        raise _refuse(_("Only an accepted proposal can be confirmed."), "not_accepted")
    proposal.state = PState.CONFIRMED
    proposal.save(update_fields=["state"])
    mission = Mission.objects.create(
        request=need,
        proposal=proposal,
        collectivity=proposal.collectivity,
        place=need.partner_place,
    )
    mission.experts.set(proposal.experts.all())
    others = list(
        need.proposals.exclude(pk=proposal.pk).filter(state__in=[PState.OPEN, PState.ACCEPTED])
    )
    need.proposals.filter(pk__in=[p.pk for p in others]).update(state=PState.CLOSED)
    for other in others:
        other.state = PState.CLOSED
    record_bulk_change(others, reason="closed: another collectivity was chosen")
    _move_request(need, by, RState.MISSION, [RState.MATCHED], str(proposal.collectivity))
    _record(need, by, "mission", "", MState.PLANNED)
    transaction.on_commit(partial(emails.mission_created, mission, others))
    return mission


def _lock_mission(mission: Mission) -> Mission:
    return Mission.objects.select_for_update().select_related("request").get(pk=mission.pk)


def _move_mission(
    mission: Mission,
    by: User,
    to: str,
    allowed: Iterable[str],
    comment: str = "",
    fields: Iterable[str] = (),
) -> Mission:
    _require_daect(by)
    if mission.is_archived:
        raise _refuse(_("This mission is archived: nothing more can be done on it."), "archived")
    if mission.state not in allowed:
        raise _refuse(
            _("This is not possible while the mission is “%(state)s”.")
            % {"state": mission.get_state_display()},
            "invalid_transition",
        )
    before, mission.state = mission.state, to
    mission.save(update_fields=["state", *fields])
    _record(mission.request, by, "mission", before, to, comment)
    return mission


@transaction.atomic
def mission_plan(
    *, mission: Mission, by: User, departure: date, return_: date, place: str
) -> Mission:
    """Set the dates and place; the return date fixes the report deadline."""
    _require_daect(by)
    mission = _lock_mission(mission)
    if return_ < departure:
        raise _refuse(_("The return cannot come before the departure."), "return_before")
    if mission.state not in (MState.PLANNED, MState.CONFIRMED):
        raise _refuse(_("The dates of a mission that started no longer change."), "started")
    mission.departure_date, mission.return_date, mission.place = departure, return_, place
    mission.save(update_fields=["departure_date", "return_date", "place"])
    dates = f"{departure:%d/%m/%Y} → {return_:%d/%m/%Y}, {place}"
    _record(mission.request, by, "mission", mission.state, mission.state, dates)
    return mission


@transaction.atomic
def mission_confirm(*, mission: Mission, by: User) -> Mission:
    mission = _lock_mission(mission)
    if not (mission.departure_date and mission.return_date and mission.experts.exists()):
        raise _refuse(_("Set the dates and the team before confirming."), "incomplete")
    return _move_mission(mission, by, MState.CONFIRMED, [MState.PLANNED])


@transaction.atomic
def mission_start(*, mission: Mission, by: User) -> Mission:
    return _move_mission(_lock_mission(mission), by, MState.UNDER_WAY, [MState.CONFIRMED])


@transaction.atomic
def mission_mark_returned(*, mission: Mission, by: User) -> Mission:
    return _move_mission(_lock_mission(mission), by, MState.RETURNED, [MState.UNDER_WAY])


@transaction.atomic
def mission_cancel(*, mission: Mission, by: User, reason: str) -> Mission:
    if not reason.strip():
        raise _refuse(_("A cancellation needs a reason."), "reason_required")
    mission = _lock_mission(mission)
    mission.cancel_reason = reason
    return _move_mission(
        mission,
        by,
        MState.CANCELLED,
        [MState.PLANNED, MState.CONFIRMED, MState.UNDER_WAY],
        reason,
        fields=["cancel_reason"],
    )
