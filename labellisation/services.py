"""The workflow of label applications, in one place.

draft → submitted → in review → (more information requested → resubmitted)*
→ scheduled for a committee → granted | refused; withdrawn from any state
before the decision. Each function checks the state and the actor, writes
inside a transaction with the row locked, and records the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core.archive import record_bulk_change

from . import emails, permissions
from .models import (
    LABEL_VALIDITY,
    ApplicationEvent,
    Attachment,
    CommitteeSession,
    Label,
    LabelApplication,
    Opinion,
)

State = LabelApplication.State
Guard = Callable[[User, LabelApplication], bool]


def _lock(application: LabelApplication) -> LabelApplication:
    return LabelApplication.objects.select_for_update().get(pk=application.pk)


def _transition(
    application: LabelApplication,
    *,
    by: User,
    to: str,
    allowed_from: Iterable[str],
    guard: Guard,
    comment: str = "",
    fields: Iterable[str] = (),
) -> LabelApplication:
    """Move a locked dossier to `to`, after checking who acts and from which state."""
    _require(guard, by, application)
    # A discarded draft is finished: replaying a link to it (withdraw, submit) does nothing.
    if application.is_archived:
        raise ValidationError(
            _("This application was discarded: nothing more can be done on it."),
            code="archived",
        )
    if application.state not in allowed_from:
        raise ValidationError(
            _("This is not possible while the application is “%(state)s”.")
            % {"state": application.get_state_display()},
            code="invalid_transition",
        )
    previous = application.state
    application.state = to
    application.save(update_fields=["state", *fields])
    ApplicationEvent.objects.create(
        application=application,
        kind=ApplicationEvent.Kind.TRANSITION,
        actor=by,
        from_state=previous,
        to_state=to,
        comment=comment,
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
    if not application.attachments.filter(kind=Attachment.Kind.COMMITMENT_LETTER).exists():
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
    )


@transaction.atomic
def application_grant(
    *, application: LabelApplication, by: User, reason: str = "", on: date | None = None
) -> Label:
    """Grant the label, at a committee or case by case (rolling decision)."""
    application = _lock(application)
    application.decided_at = timezone.now()
    application.decision_reason = reason
    _transition(
        application,
        by=by,
        to=State.GRANTED,
        allowed_from=[State.SCHEDULED, State.IN_REVIEW, State.RESUBMITTED],
        guard=permissions.can_instruct,
        comment=reason,
        fields=["decided_at", "decision_reason"],
    )
    transaction.on_commit(partial(emails.application_decided, application))
    return grant_label(application, on=on or timezone.localdate())


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
def application_refuse(*, application: LabelApplication, by: User, reason: str) -> LabelApplication:
    if not reason.strip():
        raise ValidationError(_("A refusal needs a reason."), code="reason_required")
    application = _lock(application)
    application.decided_at = timezone.now()
    application.decision_reason = reason
    _transition(
        application,
        by=by,
        to=State.REFUSED,
        allowed_from=[State.SCHEDULED, State.IN_REVIEW, State.RESUBMITTED],
        guard=permissions.can_instruct,
        comment=reason,
        fields=["decided_at", "decision_reason"],
    )
    transaction.on_commit(partial(emails.application_decided, application))
    return application


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


def _set_label_state(
    label: Label, by: User, to: str, allowed_from: Iterable[str], reason: str
) -> Label:
    if not (by.is_authenticated and by.is_daect):
        raise PermissionDenied(_("Only DAECT changes the state of a label."))
    if to != Label.State.ACTIVE and not reason.strip():
        raise ValidationError(_("Give the reason of this decision."), code="reason_required")
    label = Label.objects.select_for_update().get(pk=label.pk)
    if label.state not in allowed_from:
        raise ValidationError(
            _("This is not possible while the label is “%(state)s”.")
            % {"state": label.get_state_display()},
            code="invalid_transition",
        )
    previous = label.state
    label.state, label.state_reason = to, reason
    label.save(update_fields=["state", "state_reason"])
    ApplicationEvent.objects.create(
        application=label.application,
        kind=ApplicationEvent.Kind.TRANSITION,
        actor=by,
        from_state=f"label:{previous}",
        to_state=f"label:{to}",
        comment=reason,
    )
    return label


@transaction.atomic
def application_message(*, application: LabelApplication, by: User, text: str) -> ApplicationEvent:
    """A message between the applicant and DAECT, kept in the dossier's public history."""
    if not text.strip():
        raise ValidationError(_("The message is empty."), code="empty")
    _require(permissions.can_write_message, by, application)
    event = ApplicationEvent.objects.create(
        application=application, kind=ApplicationEvent.Kind.MESSAGE, actor=by, comment=text
    )
    transaction.on_commit(partial(emails.application_message, application, by, text))
    return event


def application_note(*, application: LabelApplication, by: User, text: str) -> ApplicationEvent:
    """An internal DAECT note: never shown to the applicant, nor sent to anyone."""
    _require(permissions.can_instruct, by, application)
    if not text.strip():
        raise ValidationError(_("The note is empty."), code="empty")
    return ApplicationEvent.objects.create(
        application=application,
        kind=ApplicationEvent.Kind.NOTE,
        actor=by,
        comment=text,
        is_public=False,
    )


OPINION_STATES = (State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED, State.SCHEDULED)


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
    if application.opinions.filter(requested_from=of).exists():
        raise ValidationError(_("This person was already asked for an opinion."), code="duplicate")
    opinion = Opinion.objects.create(
        application=application, requested_from=of, requested_by=by, question=question
    )
    transaction.on_commit(partial(emails.opinion_requested, opinion))
    return opinion


@transaction.atomic
def opinion_give(*, opinion: Opinion, by: User, recommendation: str, text: str) -> Opinion:
    """The person asked gives their opinion once; it cannot be changed afterwards."""
    opinion = Opinion.objects.select_for_update().select_related("application").get(pk=opinion.pk)
    if opinion.requested_from_id != by.pk:
        raise PermissionDenied(_("This opinion was asked of someone else."))
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
    opinion.recommendation, opinion.text, opinion.given_at = recommendation, text, timezone.now()
    opinion.save(update_fields=["recommendation", "text", "given_at"])
    return opinion


@transaction.atomic
def opinion_remind(*, opinion: Opinion, by: User) -> Opinion:
    if not (by.is_authenticated and by.is_daect):
        raise PermissionDenied(_("Only DAECT sends reminders."))
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if opinion.is_given:
        raise ValidationError(_("This opinion was already given."), code="already_given")
    opinion.reminded_at = timezone.now()
    opinion.save(update_fields=["reminded_at"])
    transaction.on_commit(partial(emails.opinion_requested, opinion, reminder=True))
    return opinion


def expire_labels(today: date) -> int:
    """Labels whose validity ended become expired; returns how many. Set-based, idempotent.

    The reminders sweep calls it; it never touches suspended or revoked labels. The
    UPDATE sends no signal, so the history rows are written in one more query: three
    queries whatever the number of labels.
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
    return len(labels)
