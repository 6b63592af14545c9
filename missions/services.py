"""The life of a need, of its proposals and of the mission, in one place.

need: draft → submitted → (more information requested → submitted)* → qualified
→ proposed → matched → mission | declined | cancelled.
proposal: open → accepted | declined; accepted → confirmed (one per need) | closed.
mission: planned → confirmed → under way → returned → (reports: report due →
report submitted → closed); cancelled with a reason.
Each function checks the actor and the state, locks the rows it changes and
records the history.

The calendar governs the mission: it is under way from its departure date and back
from its return date, never before (`mission_start`, `mission_mark_returned`), and
`advance_missions_on_calendar` moves confirmed missions on those dates by itself.

Lock order. Every function that locks several rows takes them in this order, and
only in this order, so that two people acting at once wait for each other instead
of deadlocking:

    need (MissionRequest) → its proposals (MissionProposal, by pk) → its mission
    → the mission's report (reports.services).

For instance, a member accepting proposal P1 while DAECT confirms proposal P2 of
the same need both lock the need first: the second waits, then finds the need
turned into a mission (or P1 accepted) and is refused or goes on with a clear
message.
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
from expect.core import desk, events
from expect.core.archive import record_bulk_change
from expect.core.models import Event
from labellisation.models import Label

from . import emails
from .models import Mission, MissionProposal, MissionRequest, RequestAttachment
from .permissions import is_member_of, need_change_refusal

RState = MissionRequest.State
PState = MissionProposal.State
MState = Mission.State
Verb = Event.Verb

# What each move is called in the timeline, per object.
VERBS = {
    "request": {
        RState.SUBMITTED: Verb.REQUEST_SUBMITTED,
        RState.QUALIFIED: Verb.REQUEST_QUALIFIED,
        RState.INFO_REQUESTED: Verb.REQUEST_SENT_BACK,
        RState.DECLINED: Verb.REQUEST_DECLINED,
        RState.PROPOSED: Verb.REQUEST_PROPOSED,
        RState.MATCHED: Verb.REQUEST_MATCHED,
        RState.MISSION: Verb.MISSION_CREATED,
        RState.CANCELLED: Verb.REQUEST_CANCELLED,
    },
    "proposal": {
        PState.OPEN: Verb.PROPOSAL_MADE,
        PState.ACCEPTED: Verb.PROPOSAL_ACCEPTED,
        PState.DECLINED: Verb.PROPOSAL_DECLINED,
    },
    "mission": {
        MState.CONFIRMED: Verb.MISSION_CONFIRMED,
        MState.UNDER_WAY: Verb.MISSION_STARTED,
        MState.RETURNED: Verb.MISSION_RETURNED,
        MState.CANCELLED: Verb.MISSION_CANCELLED,
    },
}


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _record(
    need: MissionRequest,
    by: User | None,
    subject: str,
    before: str,
    after: str,
    comment: str = "",
    *,
    obj: MissionProposal | Mission | None = None,
    verb: str | None = None,
    data: dict | None = None,
) -> Event:
    """One event of the need's timeline, about the need, one of its proposals or its mission.

    A change that keeps the state (new dates) is recorded as a change, never as
    "Planned → Planned": pass its `verb`.
    """
    if obj is None and subject == "mission":
        obj = need.mission
    verb = verb or VERBS[subject][after]
    return events.record(
        obj or need,
        verb=verb,
        by=by,
        before=before,
        after=after,
        comment=comment,
        data=data,
        also=[need],
    )


def _lock_request(need: MissionRequest) -> MissionRequest:
    return events.lock(need)


def _move_request(
    need: MissionRequest,
    by: User | None,
    to: str,
    allowed: Iterable[str],
    comment: str = "",
    fields: Iterable[str] = (),
    *,
    data: dict | None = None,
    also: Iterable = (),
) -> MissionRequest:
    events.transition(
        need,
        by=by,
        to=to,
        allowed_from=allowed,
        verb=VERBS["request"][to],
        state_message=_("This is not possible while the need is “%(state)s”."),
        archived_message=_("This need was discarded: nothing more can be done on it."),
        comment=comment,
        fields=fields,
        data=data,
        also=also,
    )
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


def _check_changeable(need: MissionRequest, by: User) -> None:
    if refusal := need_change_refusal(by, need):
        raise PermissionDenied(refusal)


@transaction.atomic
def request_create(*, need: MissionRequest, by: User) -> MissionRequest:
    """Save a new draft need, filled in by an agent, for their embassy."""
    check_embassy_covers(by, need.country)
    need.state, need.created_by, need.embassy = RState.DRAFT, by, by.embassy
    need.save()
    return need


@transaction.atomic
def request_save_draft(
    *, need: MissionRequest, by: User, values: dict, fields: Iterable[str]
) -> MissionRequest:
    """Save the embassy's changes to a draft (or sent back) need.

    Locked and checked again: a submission at the same moment wins, and the state is
    never written back from a stale copy.
    """
    locked = _lock_request(need)
    _check_changeable(locked, by)
    fields = list(fields)
    for name in fields:
        setattr(locked, name, values[name])
    locked.save(update_fields=fields)
    return locked


@transaction.atomic
def request_attachment_add(*, need: MissionRequest, by: User, upload) -> RequestAttachment:
    """Attach a checked PDF to a need the embassy can still change."""
    locked = _lock_request(need)
    _check_changeable(locked, by)
    # `upload` is a CheckedUpload: the disarmed, scanned copy, never the bytes sent.
    return RequestAttachment.objects.create(
        request=locked, uploaded_by=by, **upload.document_fields()
    )


@transaction.atomic
def request_attachment_delete(*, attachment: RequestAttachment, by: User) -> None:
    """Remove a document while the need can be changed; the file leaves after the commit."""
    locked = _lock_request(attachment.request)
    _check_changeable(locked, by)
    attachment.delete()
    transaction.on_commit(partial(attachment.file.storage.delete, attachment.file.name))


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
    _record(need, by, "proposal", "", PState.OPEN, message, obj=proposal, data=_named(collectivity))
    from .roster import sync_roster  # the roster module builds on these services

    # The collectivity will pick its experts from its roster: bring it up to date.
    sync_roster(collectivity)
    if need.state == RState.QUALIFIED:
        _move_request(need, by, RState.PROPOSED, [RState.QUALIFIED])
    transaction.on_commit(partial(emails.proposal_made, proposal))
    return proposal


def _named(collectivity) -> dict:
    return {"collectivity": collectivity.name}


def _lock_proposal(proposal: MissionProposal, need: MissionRequest) -> MissionProposal:
    """Lock a proposal whose need the caller has locked already (the lock order)."""
    locked = MissionProposal.objects.select_for_update().get(pk=proposal.pk)
    locked.request = need
    return locked


def _lock_need_and_proposal(proposal: MissionProposal) -> MissionProposal:
    """The need first, then the proposal: see the lock order in this module's docstring."""
    need_id = MissionProposal.objects.values_list("request_id", flat=True).get(pk=proposal.pk)
    need = MissionRequest.objects.select_for_update().get(pk=need_id)
    return _lock_proposal(proposal, need)


def _check_answerable(proposal: MissionProposal, by: User) -> None:
    if not is_member_of(by, proposal.collectivity_id):
        raise PermissionDenied(_("Only the collectivity's members answer this proposal."))
    # The need first: a proposal closed because another was confirmed says why.
    if proposal.request.state in MissionRequest.CLOSED_STATES:
        raise _refuse(_("This need was given to another collectivity or closed."), "taken")
    if proposal.state != PState.OPEN:
        raise _refuse(_("This proposal was already answered or closed."), "not_open")
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
    proposal = _lock_need_and_proposal(proposal)
    need = proposal.request
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
    _record(
        need,
        by,
        "proposal",
        PState.OPEN,
        PState.ACCEPTED,
        obj=proposal,
        data=_named(proposal.collectivity),
    )
    if need.state == RState.PROPOSED:
        _move_request(need, by, RState.MATCHED, [RState.PROPOSED])
    transaction.on_commit(partial(emails.proposal_answered, proposal))
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: MissionProposal, by: User, reason: str) -> MissionProposal:
    if not reason.strip():
        raise _refuse(_("Give the reason of your refusal."), "reason_required")
    proposal = _lock_need_and_proposal(proposal)
    _check_answerable(proposal, by)
    proposal.state, proposal.answered_by, proposal.answered_at = (
        PState.DECLINED,
        by,
        timezone.now(),
    )
    proposal.answer_reason = reason
    proposal.save(update_fields=["state", "answered_by", "answered_at", "answer_reason"])
    _record(
        proposal.request,
        by,
        "proposal",
        PState.OPEN,
        PState.DECLINED,
        reason,
        obj=proposal,
        data=_named(proposal.collectivity),
    )
    transaction.on_commit(partial(emails.proposal_answered, proposal))
    return proposal


@transaction.atomic
def proposal_confirm(*, proposal: MissionProposal, by: User) -> Mission:
    """DAECT confirms one acceptance: the need becomes a mission, other proposals close.

    The need's row is locked first, so two confirmations at once leave one mission:
    the second finds the need already turned into a mission. The other proposals are
    locked next, in pk order, before they are closed (the module's lock order).
    """
    _require_daect(by)
    need = _lock_request(proposal.request)
    proposal = _lock_proposal(proposal, need)
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
        need.proposals.exclude(pk=proposal.pk)
        .filter(state__in=[PState.OPEN, PState.ACCEPTED])
        .order_by("pk")
        .select_for_update()
    )
    need.proposals.filter(pk__in=[p.pk for p in others]).update(state=PState.CLOSED)
    for other in others:
        other.state = PState.CLOSED
    record_bulk_change(others, reason="closed: another collectivity was chosen")
    _move_request(
        need,
        by,
        RState.MISSION,
        [RState.MATCHED],
        data=_named(proposal.collectivity),
        also=[mission],
    )
    transaction.on_commit(partial(emails.mission_created, mission, others))
    return mission


def _lock_mission(mission: Mission) -> Mission:
    # Only the mission's row: its need is read, not locked (the lock order).
    return (
        Mission.objects.select_for_update(of=("self",)).select_related("request").get(pk=mission.pk)
    )


def _move_mission(
    mission: Mission,
    by: User | None,
    to: str,
    allowed: Iterable[str],
    comment: str = "",
    fields: Iterable[str] = (),
) -> Mission:
    """Move a locked mission; `by` is None when the calendar moves it (no actor to check)."""
    if by is not None:
        _require_daect(by)
    events.transition(
        mission,
        by=by,
        to=to,
        allowed_from=allowed,
        verb=VERBS["mission"][to],
        state_message=_("This is not possible while the mission is “%(state)s”."),
        archived_message=_("This mission is archived: nothing more can be done on it."),
        comment=comment,
        fields=fields,
    )
    return mission


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def outside_desired_period(need: MissionRequest, departure: date, return_: date) -> bool:
    """The dates start before or end after the period the partner asked for."""
    return departure < need.period_start or return_ > need.period_end


def check_mission_dates(
    mission: Mission, *, departure: date, return_: date, outside_period_reason: str = ""
) -> None:
    """What `mission_plan` refuses, for the forms to say it next to the fields.

    New dates never lie in the past; new dates outside the need's desired period need
    DAECT's explicit confirmation, given with a reason.
    """
    if return_ < departure:
        raise _refuse(_("The return cannot come before the departure."), "return_before")
    if mission.state not in (MState.PLANNED, MState.CONFIRMED):
        raise _refuse(_("The dates of a mission that started no longer change."), "started")
    moved = (departure, return_) != (mission.departure_date, mission.return_date)
    if moved and departure < timezone.localdate():
        raise _refuse(
            _("The departure (%(date)s) lies in the past: choose dates from today on.")
            % {"date": _day(departure)},
            "past",
        )
    need = mission.request
    outside = moved and outside_desired_period(need, departure, return_)
    if outside and not outside_period_reason.strip():
        raise _refuse(
            _(
                "These dates lie outside the desired period of the need (%(start)s to %(end)s). "
                "Confirm them explicitly and give the reason."
            )
            % {"start": _day(need.period_start), "end": _day(need.period_end)},
            "outside_period",
        )


@transaction.atomic
def mission_plan(
    *,
    mission: Mission,
    by: User,
    departure: date,
    return_: date,
    place: str,
    outside_period_reason: str = "",
) -> Mission:
    """Set the dates and place; the return date fixes the report deadline.

    Dates outside the need's desired period are accepted only with
    `outside_period_reason`, which the history keeps.
    """
    _require_daect(by)
    mission = _lock_mission(mission)
    check_mission_dates(
        mission, departure=departure, return_=return_, outside_period_reason=outside_period_reason
    )
    had_dates = mission.departure_date is not None
    unchanged = (mission.departure_date, mission.return_date, mission.place) == (
        departure,
        return_,
        place,
    )
    if unchanged:
        return mission  # nothing changed: nothing to record, nobody to tell
    mission.departure_date, mission.return_date, mission.place = departure, return_, place
    mission.save(update_fields=["departure_date", "return_date", "place"])
    changed = had_dates and mission.state == MState.CONFIRMED
    comment = ""
    if outside_period_reason.strip() and outside_desired_period(
        mission.request, departure, return_
    ):
        comment = _("Outside the desired period, confirmed by DAECT: %(reason)s") % {
            "reason": outside_period_reason.strip()
        }
    _record(
        mission.request,
        by,
        "mission",
        "",
        "",
        comment,
        obj=mission,
        verb=Verb.MISSION_DATES_CHANGED if changed else Verb.MISSION_DATES_SET,
        data={"departure": departure.isoformat(), "return": return_.isoformat(), "place": place},
    )
    return mission


@transaction.atomic
def mission_set_team(*, mission: Mission, by: User, experts: Iterable[User]) -> Mission:
    """DAECT changes the team of a mission not started yet, among its collectivity's members."""
    _require_daect(by)
    mission = _lock_mission(mission)
    if mission.state not in (MState.PLANNED, MState.CONFIRMED):
        raise _refuse(_("The team of a mission that started no longer changes."), "started")
    experts = list(experts)
    if not experts:
        raise _refuse(_("Name at least one expert."), "no_expert")
    members = set(
        Membership.objects.active()
        .filter(collectivity_id=mission.collectivity_id)
        .values_list("user_id", flat=True)
    )
    if any(expert.pk not in members for expert in experts):
        raise _refuse(_("Experts must belong to the collectivity."), "foreign_expert")
    if {e.pk for e in experts} == set(mission.experts.values_list("pk", flat=True)):
        return mission  # the same team: nothing to record, nobody to tell
    mission.experts.set(experts)
    names = ", ".join(e.get_full_name() or e.email for e in experts)
    _record(
        mission.request,
        by,
        "mission",
        "",
        "",
        obj=mission,
        verb=Verb.MISSION_TEAM_CHANGED,
        data={"team": names},
    )
    return mission


@transaction.atomic
def mission_confirm(*, mission: Mission, by: User) -> Mission:
    mission = _lock_mission(mission)
    if not (mission.departure_date and mission.return_date and mission.experts.exists()):
        raise _refuse(_("Set the dates and the team before confirming."), "incomplete")
    return _move_mission(mission, by, MState.CONFIRMED, [MState.PLANNED])


def can_start(mission: Mission, today: date | None = None) -> bool:
    """A confirmed mission is under way from its departure date on, not before."""
    today = today or timezone.localdate()
    return (
        mission.state == MState.CONFIRMED
        and mission.departure_date is not None
        and mission.departure_date <= today
    )


def can_mark_returned(mission: Mission, today: date | None = None) -> bool:
    """A mission under way is back from its return date on, not before."""
    today = today or timezone.localdate()
    return (
        mission.state == MState.UNDER_WAY
        and mission.return_date is not None
        and mission.return_date <= today
    )


@transaction.atomic
def mission_start(*, mission: Mission, by: User) -> Mission:
    _require_daect(by)
    mission = _lock_mission(mission)
    if mission.state == MState.CONFIRMED and not can_start(mission):
        raise _refuse(
            _("The mission cannot be under way before its departure date (%(date)s).")
            % {"date": _day(mission.departure_date) if mission.departure_date else "—"},
            "before_departure",
        )
    return _move_mission(mission, by, MState.UNDER_WAY, [MState.CONFIRMED])


@transaction.atomic
def mission_mark_returned(*, mission: Mission, by: User) -> Mission:
    _require_daect(by)
    mission = _lock_mission(mission)
    if mission.state == MState.UNDER_WAY and not can_mark_returned(mission):
        raise _refuse(
            _("The mission cannot be returned before its return date (%(date)s).")
            % {"date": _day(mission.return_date) if mission.return_date else "—"},
            "before_return",
        )
    return _move_mission(mission, by, MState.RETURNED, [MState.UNDER_WAY])


def _advance(missions, to: str) -> int:
    """Move each mission of a locked set; the rows a person holds are left for the next run."""
    moved = 0
    for mission in missions.select_for_update(of=("self",), skip_locked=True).select_related(
        "request"
    ):
        _move_mission(mission, None, to, [mission.state])
        moved += 1
    return moved


@transaction.atomic
def advance_missions_on_calendar(today: date | None = None) -> dict[str, int]:
    """The calendar's own transitions, run by a periodic task (missions.tasks).

    Confirmed missions whose departure date has come are under way, missions under
    way whose return date has come are returned (a mission whose whole stay was
    missed by the task moves through both). The history says the portal did it
    (no actor). Running it twice changes nothing more: it selects by state.
    Once returned, the report is due: its reminders follow the report due date.
    """
    today = today or timezone.localdate()
    current = Mission.objects.unarchived()
    started = _advance(
        current.filter(state=MState.CONFIRMED, departure_date__lte=today),
        MState.UNDER_WAY,
    )
    returned = _advance(
        current.filter(state=MState.UNDER_WAY, return_date__lte=today),
        MState.RETURNED,
    )
    return {"under_way": started, "returned": returned}


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


def request_assign(*, need: MissionRequest, by: User, to: User | None) -> MissionRequest:
    """Give the need to a DAECT instructor (or to nobody); its history says who did."""
    return desk.assign(need, by=by, to=to)


def mission_assign(*, mission: Mission, by: User, to: User | None) -> Mission:
    """Give the mission to a DAECT instructor (or to nobody); its history says who did."""
    return desk.assign(mission, by=by, to=to)
