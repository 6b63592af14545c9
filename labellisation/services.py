"""The workflow of label applications, in one place.

draft → submitted → in review → (more information requested → resubmitted)*
→ scheduled for a committee → granted | refused; withdrawn from any state
before the decision. Each function checks the state and the actor, writes
inside a transaction with the row locked, and records the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core import desk, events
from expect.core.archive import record_bulk_change
from expect.core.models import Event, ScanState

from . import emails, permissions
from .models import (
    LABEL_VALIDITY,
    Attachment,
    CommitteeSession,
    Label,
    LabelApplication,
    Opinion,
    Verdict,
)

State = LabelApplication.State
Verb = Event.Verb
Guard = Callable[[User, LabelApplication], bool]

# What each move of a dossier is called in its timeline.
VERBS = {
    State.SUBMITTED: Verb.APPLICATION_SUBMITTED,
    State.RESUBMITTED: Verb.APPLICATION_RESUBMITTED,
    State.IN_REVIEW: Verb.APPLICATION_REVIEW_STARTED,
    State.INFO_REQUESTED: Verb.APPLICATION_INFO_REQUESTED,
    State.SCHEDULED: Verb.APPLICATION_SCHEDULED,
    State.GRANTED: Verb.APPLICATION_GRANTED,
    State.REFUSED: Verb.APPLICATION_REFUSED,
    State.WITHDRAWN: Verb.APPLICATION_WITHDRAWN,
}


def _lock(application: LabelApplication) -> LabelApplication:
    return events.lock(application)


def _transition(
    application: LabelApplication,
    *,
    by: User,
    to: str,
    allowed_from: Iterable[str],
    guard: Guard,
    comment: str = "",
    fields: Iterable[str] = (),
    data: dict | None = None,
    notify: Iterable[Callable] = (),
) -> LabelApplication:
    """Move a locked dossier to `to`, after checking who acts and from which state.

    The event written is left on `application.event` for the caller to complete.
    """
    application.event = events.transition(
        application,
        by=by,
        to=to,
        allowed_from=allowed_from,
        verb=VERBS[to],
        guard=guard,
        refused=_("You are not allowed to do this on this application."),
        state_message=_("This is not possible while the application is “%(state)s”."),
        archived_message=_("This application was discarded: nothing more can be done on it."),
        comment=comment,
        fields=fields,
        data=data,
        notify=notify,
    )
    return application


def _require(guard: Guard, by: User, application: LabelApplication) -> None:
    if not guard(by, application):
        raise PermissionDenied(_("You are not allowed to do this on this application."))


def missing_for_submission(application: LabelApplication) -> list[str]:
    """What the applicant still has to give before submitting, in their words."""
    missing = []
    if not application.expertise.strip():
        missing.append(_("the description of the expertise"))
    if not application.experts.exists():
        missing.append(_("at least one proposed expert"))
    letters = application.attachments.filter(kind=Attachment.Kind.COMMITMENT_LETTER)
    # A letter the antivirus found infected was deleted: it is missing.
    if not letters.exclude(scan_state=ScanState.INFECTED).exists():
        missing.append(_("the executive’s signed commitment letter or deliberation"))
    if not application.commitment:
        missing.append(_("the commitment to work with the Ministry on proposed missions"))
    return missing


def _check_complete(application: LabelApplication) -> None:
    missing = missing_for_submission(application)
    if missing:
        raise ValidationError(
            _("The application is incomplete. Still missing: %(items)s.")
            % {"items": "; ".join(missing)},
            code="incomplete",
        )


def next_committee(on: date) -> CommitteeSession | None:
    """The committee whose application deadline is the first not yet passed."""
    return CommitteeSession.objects.open_on(on).first()


@transaction.atomic
def application_submit(*, application: LabelApplication, by: User) -> LabelApplication:
    """Submit a draft: it is frozen for the applicant and put on the next committee's agenda."""
    application = _lock(application)
    if permissions.is_pending_drafter(by, application):
        raise ValidationError(
            _(
                "Your membership of %(collectivity)s is not confirmed yet: your draft is "
                "kept, and you will submit it once your membership is confirmed."
            )
            % {"collectivity": application.collectivity},
            code="membership_pending",
        )
    _require(permissions.is_applicant, by, application)
    if application.is_archived:
        raise ValidationError(_("This draft was discarded."), code="discarded")
    if application.state == State.DRAFT:
        _check_complete(application)
    application.submitted_at = timezone.now()
    application.committee = next_committee(timezone.localdate())
    _transition(
        application,
        by=by,
        to=State.SUBMITTED,
        allowed_from=[State.DRAFT],
        guard=permissions.is_applicant,
        fields=["submitted_at", "committee"],
    )
    transaction.on_commit(partial(emails.application_submitted, application, by))
    return application


@transaction.atomic
def application_resubmit(
    *, application: LabelApplication, by: User, comment: str = ""
) -> LabelApplication:
    """Send back a dossier completed after DAECT asked for more information."""
    application = _lock(application)
    _require(permissions.is_applicant, by, application)
    if application.state == State.INFO_REQUESTED:
        _check_complete(application)
    _transition(
        application,
        by=by,
        to=State.RESUBMITTED,
        allowed_from=[State.INFO_REQUESTED],
        guard=permissions.is_applicant,
        comment=comment,
    )
    transaction.on_commit(partial(emails.application_resubmitted, application))
    return application


@transaction.atomic
def application_start_review(*, application: LabelApplication, by: User) -> LabelApplication:
    return _transition(
        _lock(application),
        by=by,
        to=State.IN_REVIEW,
        allowed_from=[State.SUBMITTED, State.RESUBMITTED],
        guard=permissions.can_instruct,
    )


@transaction.atomic
def application_request_info(
    *, application: LabelApplication, by: User, comment: str
) -> LabelApplication:
    """Ask the applicant for more information; the question is shown to them."""
    if not comment.strip():
        raise ValidationError(_("Say what information is needed."), code="comment_required")
    application = _transition(
        _lock(application),
        by=by,
        to=State.INFO_REQUESTED,
        allowed_from=[State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED],
        guard=permissions.can_instruct,
        comment=comment,
    )
    transaction.on_commit(partial(emails.application_info_requested, application, comment))
    return application


@transaction.atomic
def application_schedule(
    *,
    application: LabelApplication,
    by: User,
    committee: CommitteeSession,
    accept_late: bool = False,
) -> LabelApplication:
    """Put a reviewed dossier on a committee's agenda; a late one only if DAECT accepts it."""
    application = _lock(application)
    submitted_on = timezone.localdate(application.submitted_at)
    late = submitted_on > committee.application_deadline
    if late and not accept_late:
        raise ValidationError(
            _(
                "This application came after the deadline of this committee (%(deadline)s). "
                "Choose a later committee, or accept it late explicitly."
            )
            % {"deadline": committee.application_deadline.strftime("%d/%m/%Y")},
            code="after_deadline",
        )
    application.committee = committee
    application.accepted_late = late
    return _transition(
        application,
        by=by,
        to=State.SCHEDULED,
        allowed_from=[State.IN_REVIEW, State.RESUBMITTED],
        guard=permissions.can_instruct,
        fields=["committee", "accepted_late"],
        data={"committee": committee.date.isoformat()},
    )


def _decided_at(session: CommitteeSession | None) -> datetime:
    """A decision of a session is dated the session's day (at noon, Paris time, so that
    no time zone moves it to another day); a rolling decision, now."""
    if session is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(session.date, time(12, 0)))


def check_session_can_decide(session: CommitteeSession, *, today: date | None = None) -> None:
    """A committee decides once it has met, and only with its quorum present."""
    today = today or timezone.localdate()
    if not session.has_met(today):
        raise ValidationError(
            _(
                "The decisions of this committee can only be recorded from the day it "
                "meets, on %(date)s."
            )
            % {"date": session.date.strftime("%d/%m/%Y")},
            code="session_not_met",
        )
    present = session.present_count()
    if present < session.quorum:
        raise ValidationError(
            _(
                "Quorum not reached: %(present)d member(s) present out of the %(quorum)d "
                "required. No decision is recorded."
            )
            % {"present": present, "quorum": session.quorum},
            code="no_quorum",
        )


def _decide(
    application: LabelApplication,
    *,
    by: User,
    to: str,
    reason: str,
    session: CommitteeSession | None,
) -> LabelApplication:
    if session is not None:
        check_session_can_decide(session)
        if application.committee_id != session.pk:
            raise ValidationError(
                _("This application is not on the agenda of this committee."),
                code="not_on_agenda",
            )
    application.decided_at = _decided_at(session)
    application.decision_reason = reason
    application.decision_session = session
    # The history says whether a committee took the decision or DAECT did on its own.
    where = (
        _("Decision of the %(committee)s.") % {"committee": session}
        if session is not None
        else _("Rolling decision, outside a committee.")
    )
    return _transition(
        application,
        by=by,
        to=to,
        allowed_from=[State.SCHEDULED, State.IN_REVIEW, State.RESUBMITTED],
        guard=permissions.can_instruct,
        comment=f"{where} {reason}".strip(),
        fields=["decided_at", "decision_reason", "decision_session"],
    )


@transaction.atomic
def application_grant(
    *,
    application: LabelApplication,
    by: User,
    reason: str = "",
    on: date | None = None,
    session: CommitteeSession | None = None,
) -> Label:
    """Grant the label, at a committee (`session`, dated its day) or case by case."""
    application = _decide(
        _lock(application), by=by, to=State.GRANTED, reason=reason, session=session
    )
    label = grant_label(application, on=on or timezone.localdate(application.decided_at))
    application.event.data = {"until": label.valid_until.isoformat()}
    application.event.save(update_fields=["data"])
    transaction.on_commit(partial(emails.application_decided, application))
    return label


def grant_label(application: LabelApplication, *, on: date) -> Label:
    """A new label valid three years to the day, or the current one extended without a gap."""
    current = (
        Label.objects.select_for_update()
        .filter(collectivity=application.collectivity, theme=application.theme)
        .current()
        .first()
    )
    if current is not None and current.state == Label.State.SUSPENDED:
        raise ValidationError(
            _("The current label on this theme is suspended: lift the suspension first."),
            code="label_suspended",
        )
    if current is not None:
        current.valid_until = max(current.valid_until, on) + LABEL_VALIDITY
        current.save(update_fields=["valid_until"])
        return current
    return Label.objects.create(
        collectivity=application.collectivity,
        theme=application.theme,
        application=application,
        granted_on=on,
        valid_until=on + LABEL_VALIDITY,
    )


@transaction.atomic
def application_refuse(
    *,
    application: LabelApplication,
    by: User,
    reason: str,
    session: CommitteeSession | None = None,
) -> LabelApplication:
    """Refuse, with a reason, at a committee (`session`, dated its day) or case by case."""
    if not reason.strip():
        raise ValidationError(_("A refusal needs a reason."), code="reason_required")
    application = _decide(
        _lock(application), by=by, to=State.REFUSED, reason=reason, session=session
    )
    transaction.on_commit(partial(emails.application_decided, application))
    return application


@dataclass(frozen=True)
class SessionDecision:
    application: LabelApplication
    verdict: str
    reason: str = ""


def _postpone(
    application: LabelApplication, *, by: User, session: CommitteeSession, reason: str
) -> LabelApplication:
    """The committee puts off its decision: the dossier goes to the next committee."""
    if not reason.strip():
        raise ValidationError(_("Say why the decision is postponed."), code="reason_required")
    application = _lock(application)
    if application.committee_id != session.pk or application.state in application.CLOSED_STATES:
        raise ValidationError(
            _("This application is not on the agenda of this committee."), code="not_on_agenda"
        )
    following = CommitteeSession.objects.filter(date__gt=session.date).order_by("date").first()
    text = _("Decision postponed by the %(committee)s: %(reason)s") % {
        "committee": session,
        "reason": reason,
    }
    if following is not None:
        application.committee = following
        application.save(update_fields=["committee"])
        text += " " + _("Moved to the %(committee)s.") % {"committee": following}
    record_internal(application, by=by, text=text)
    return application


@transaction.atomic
def committee_record_decisions(
    *, session: CommitteeSession, by: User, decisions: Iterable[SessionDecision]
) -> list[LabelApplication]:
    """The chair records the decisions of a session at once: all of them, or none."""
    if not permissions.can_chair(by, session):
        raise PermissionDenied(
            _("Only the chair of this committee records its decisions; name the chair first.")
        )
    session = CommitteeSession.objects.select_for_update().get(pk=session.pk)
    check_session_can_decide(session)
    decided = []
    for decision in decisions:
        try:
            decided.append(_record_one(session, by, decision))
        except ValidationError as error:
            raise ValidationError(
                _("%(reference)s: %(error)s")
                % {"reference": decision.application.reference, "error": " ".join(error.messages)}
            ) from error
    return decided


def _record_one(session: CommitteeSession, by: User, decision: SessionDecision) -> LabelApplication:
    common = {"application": decision.application, "by": by, "reason": decision.reason}
    if decision.verdict == Verdict.GRANT:
        application_grant(**common, session=session)
        return decision.application
    if decision.verdict == Verdict.REFUSE:
        return application_refuse(**common, session=session)
    if decision.verdict == Verdict.POSTPONE:
        return _postpone(decision.application, by=by, session=session, reason=decision.reason)
    raise ValidationError(_("Choose a decision."), code="verdict_required")


@transaction.atomic
def application_withdraw(
    *, application: LabelApplication, by: User, comment: str = ""
) -> LabelApplication:
    open_states = [s for s in State.values if s not in LabelApplication.CLOSED_STATES]
    return _transition(
        _lock(application),
        by=by,
        to=State.WITHDRAWN,
        allowed_from=open_states,
        guard=permissions.is_applicant,
        comment=comment,
    )


@transaction.atomic
def label_suspend(*, label: Label, by: User, reason: str) -> Label:
    return _set_label_state(label, by, Label.State.SUSPENDED, [Label.State.ACTIVE], reason)


@transaction.atomic
def label_reinstate(*, label: Label, by: User, reason: str = "") -> Label:
    return _set_label_state(label, by, Label.State.ACTIVE, [Label.State.SUSPENDED], reason)


@transaction.atomic
def label_revoke(*, label: Label, by: User, reason: str) -> Label:
    return _set_label_state(label, by, Label.State.REVOKED, Label.CURRENT_STATES, reason)


LABEL_VERBS = {
    Label.State.SUSPENDED: Verb.LABEL_SUSPENDED,
    Label.State.ACTIVE: Verb.LABEL_REINSTATED,
    Label.State.REVOKED: Verb.LABEL_REVOKED,
}


def _set_label_state(
    label: Label, by: User, to: str, allowed_from: Iterable[str], reason: str
) -> Label:
    if not (by.is_authenticated and by.is_daect):
        raise PermissionDenied(_("Only DAECT changes the state of a label."))
    if to != Label.State.ACTIVE and not reason.strip():
        raise ValidationError(_("Give the reason of this decision."), code="reason_required")
    label = events.lock(label)
    label.state_reason = reason
    events.transition(
        label,
        by=by,
        to=to,
        allowed_from=allowed_from,
        verb=LABEL_VERBS[to],
        state_message=_("This is not possible while the label is “%(state)s”."),
        comment=reason,
        fields=["state_reason"],
    )
    return label


@transaction.atomic
def application_message(*, application: LabelApplication, by: User, text: str) -> Event:
    """A message between the applicant and DAECT, kept in the dossier's public history."""
    if not text.strip():
        raise ValidationError(_("The message is empty."), code="empty")
    _require(permissions.can_write_message, by, application)
    event = events.record(application, verb=Verb.APPLICATION_MESSAGE, by=by, comment=text)
    transaction.on_commit(partial(emails.application_message, application, by, text))
    return event


@transaction.atomic
def application_note(*, application: LabelApplication, by: User, text: str) -> Event:
    """An internal DAECT note: never shown to the applicant, nor sent to anyone."""
    _require(permissions.can_instruct, by, application)
    if not text.strip():
        raise ValidationError(_("The note is empty."), code="empty")
    return events.record(application, verb=Verb.APPLICATION_NOTE, by=by, comment=text, public=False)


OPINION_STATES = LabelApplication.OPINION_STATES


def record_internal(application: LabelApplication, *, by: User, text: str) -> Event:
    """An internal line in the dossier's history (who, when, what), never shown to the
    applicant: the history helper of the actions that change no state."""
    return events.record(application, verb=Verb.APPLICATION_NOTE, by=by, comment=text, public=False)


@transaction.atomic
def opinion_request(
    *, application: LabelApplication, by: User, of: User, question: str = ""
) -> Opinion:
    """DAECT asks someone (committee member, thematic desk, embassy) for an opinion."""
    _require(permissions.can_instruct, by, application)
    if application.state not in OPINION_STATES:
        raise ValidationError(
            _("Opinions are asked between the submission and the decision."), code="invalid_state"
        )
    if not permissions.can_be_asked_an_opinion(of, application):
        raise ValidationError(
            _(
                "%(person)s cannot be asked for an opinion on this application: ask DAECT "
                "staff, an embassy agent, a committee member or a thematic desk, never "
                "someone of the applying collectivity."
            )
            % {"person": of},
            code="not_eligible",
        )
    if application.opinions.active().filter(requested_from=of).exists():
        raise ValidationError(_("This person was already asked for an opinion."), code="duplicate")
    opinion = Opinion.objects.create(
        application=application, requested_from=of, requested_by=by, question=question
    )
    events.record(
        application,
        verb=Verb.OPINION_REQUESTED,
        by=by,
        comment=question,
        public=False,
        data={"person": of.get_full_name() or of.email},
    )
    transaction.on_commit(partial(emails.opinion_requested, opinion))
    return opinion


def _check_conflict(conflict: str, conflict_details: str) -> None:
    if conflict not in Opinion.Conflict.values:
        raise ValidationError(
            _("Declare whether you have a conflict of interest with this application."),
            code="conflict_required",
        )
    if conflict == Opinion.Conflict.DECLARED and not conflict_details.strip():
        raise ValidationError(
            _("Describe your conflict of interest."), code="conflict_details_required"
        )


@transaction.atomic
def opinion_give(
    *,
    opinion: Opinion,
    by: User,
    recommendation: str,
    text: str,
    conflict: str = "",
    conflict_details: str = "",
) -> Opinion:
    """The person asked gives their opinion once, with their declaration of interests;
    it cannot be changed afterwards. DAECT is told by e-mail."""
    opinion = Opinion.objects.select_for_update().select_related("application").get(pk=opinion.pk)
    if opinion.requested_from_id != by.pk:
        raise PermissionDenied(_("This opinion was asked of someone else."))
    if opinion.is_withdrawn:
        raise ValidationError(_("DAECT withdrew this request for an opinion."), code="withdrawn")
    if opinion.is_given:
        raise ValidationError(
            _("This opinion was already given; it cannot be changed."), code="already_given"
        )
    if opinion.application.state not in OPINION_STATES:
        raise ValidationError(_("The application was decided or withdrawn."), code="closed")
    if recommendation not in Opinion.Recommendation.values or not text.strip():
        raise ValidationError(
            _("Choose a recommendation and write your opinion."), code="incomplete"
        )
    _check_conflict(conflict, conflict_details)
    opinion.recommendation, opinion.text, opinion.given_at = recommendation, text, timezone.now()
    opinion.conflict = conflict
    opinion.conflict_details = conflict_details if conflict == Opinion.Conflict.DECLARED else ""
    opinion.save(
        update_fields=["recommendation", "text", "given_at", "conflict", "conflict_details"]
    )
    events.record(
        opinion.application,
        verb=Verb.OPINION_GIVEN,
        by=by,
        comment=f"{opinion.get_recommendation_display()} : {text}",
        public=False,
    )
    return opinion


def can_withdraw_opinion(user: User, opinion: Opinion) -> bool:
    """DAECT withdraws a request not yet answered, on a dossier not yet decided."""
    return (
        user.is_daect
        and not opinion.is_given
        and not opinion.is_withdrawn
        and opinion.application.state in OPINION_STATES
    )


@transaction.atomic
def opinion_withdraw(*, opinion: Opinion, by: User, reason: str = "") -> Opinion:
    """DAECT takes back a request for an opinion; the person no longer sees the dossier."""
    if not by.is_daect:
        raise PermissionDenied(_("Only DAECT withdraws a request for an opinion."))
    opinion = (
        Opinion.objects.select_for_update()
        .select_related("application", "requested_from")
        .get(pk=opinion.pk)
    )
    if not can_withdraw_opinion(by, opinion):
        raise ValidationError(
            _("Only an opinion still awaited, on an undecided application, can be withdrawn."),
            code="not_withdrawable",
        )
    opinion.withdrawn_at, opinion.withdrawn_by = timezone.now(), by
    opinion._change_reason = reason or "withdrawn"
    opinion.save(update_fields=["withdrawn_at", "withdrawn_by"])
    events.record(
        opinion.application,
        verb=Verb.OPINION_WITHDRAWN,
        by=by,
        comment=reason,
        public=False,
        data={"person": opinion.requested_from.get_full_name() or opinion.requested_from.email},
    )
    return opinion


@transaction.atomic
def opinion_remind(*, opinion: Opinion, by: User) -> Opinion:
    if not (by.is_authenticated and by.is_daect):
        raise PermissionDenied(_("Only DAECT sends reminders."))
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if opinion.is_given:
        raise ValidationError(_("This opinion was already given."), code="already_given")
    if opinion.is_withdrawn:
        raise ValidationError(_("This request for an opinion was withdrawn."), code="withdrawn")
    opinion.reminded_at = timezone.now()
    opinion.save(update_fields=["reminded_at"])
    transaction.on_commit(partial(emails.opinion_requested, opinion, reminder=True))
    return opinion


def expire_labels(today: date) -> int:
    """Labels whose validity ended become expired; returns how many. Set-based, idempotent.

    The reminders sweep calls it; it never touches suspended or revoked labels. The
    UPDATE sends no signal, so the history rows and the timeline events are written in
    one more query each: four queries whatever the number of labels.
    """
    with transaction.atomic():
        labels = list(
            Label.objects.select_for_update().filter(
                state=Label.State.ACTIVE, valid_until__lt=today
            )
        )
        for label in labels:
            label.state = Label.State.EXPIRED
        Label.objects.filter(pk__in=[label.pk for label in labels]).update(
            state=Label.State.EXPIRED
        )
        record_bulk_change(labels, reason="expired")
        Event.objects.bulk_create(
            Event(
                verb=Verb.LABEL_EXPIRED,
                label=label,
                application_id=label.application_id,
                from_state=Label.State.ACTIVE,
                to_state=Label.State.EXPIRED,
            )
            for label in labels
        )
    return len(labels)


def application_assign(
    *, application: LabelApplication, by: User, to: User | None
) -> LabelApplication:
    """Give the dossier to a DAECT instructor (or to nobody); the history says who did."""
    return desk.assign(application, by=by, to=to)
