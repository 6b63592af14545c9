"""One transition helper and one event shape for every object that has a timeline.

`transition()` is how a service changes an object's state: it checks the actor and
the state, saves with `update_fields`, writes one `Event` row and schedules the
notices after the commit. `record()` writes an event that is not a change of state
(a message, a note, new dates). `sentence()` turns a row into the French (or
English) sentence shown in the admin, on the portal and in the e-mails:
"Compléments demandés par Anne Martin", "Label accordé par … jusqu’au 01/12/2029".

Every recorded event is announced after the commit through the `event_recorded`
signal: `expect.notifications.events` listens to it and sends the notices each
domain app registered for that verb (`<app>/events.py`). The signal keeps
`expect.core` free of imports from the notifications and the domain apps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Event

Verb = Event.Verb
Kind = Event.Kind

# Sent after the commit with `event=`, for every recorded event.
event_recorded = Signal()

# The sentence of each verb; `%(actor)s` is the person's name, the other names come
# from the row's `data` (dates are formatted as the reader's dates).
SENTENCES: dict[str, Any] = {
    Verb.APPLICATION_SUBMITTED: gettext_lazy("Application submitted by %(actor)s"),
    Verb.APPLICATION_RESUBMITTED: gettext_lazy("Information sent by %(actor)s"),
    Verb.APPLICATION_REVIEW_STARTED: gettext_lazy("Review started by %(actor)s"),
    Verb.APPLICATION_INFO_REQUESTED: gettext_lazy("More information requested by %(actor)s"),
    Verb.APPLICATION_SCHEDULED: gettext_lazy(
        "Scheduled for the committee of %(committee)s by %(actor)s"
    ),
    Verb.APPLICATION_GRANTED: gettext_lazy("Label granted by %(actor)s until %(until)s"),
    Verb.APPLICATION_REFUSED: gettext_lazy("Application refused by %(actor)s"),
    Verb.APPLICATION_WITHDRAWN: gettext_lazy("Application withdrawn by %(actor)s"),
    Verb.APPLICATION_MESSAGE: gettext_lazy("Message from %(actor)s"),
    Verb.APPLICATION_NOTE: gettext_lazy("Internal note by %(actor)s"),
    Verb.OPINION_REQUESTED: gettext_lazy("Opinion asked of %(person)s by %(actor)s"),
    Verb.OPINION_GIVEN: gettext_lazy("Opinion given by %(actor)s"),
    Verb.OPINION_WITHDRAWN: gettext_lazy(
        "Request for an opinion of %(person)s withdrawn by %(actor)s"
    ),
    Verb.LABEL_SUSPENDED: gettext_lazy("Label suspended by %(actor)s"),
    Verb.LABEL_REINSTATED: gettext_lazy("Label reinstated by %(actor)s"),
    Verb.LABEL_REVOKED: gettext_lazy("Label revoked by %(actor)s"),
    Verb.LABEL_EXPIRED: gettext_lazy("Label expired"),
    Verb.REQUEST_SUBMITTED: gettext_lazy("Need submitted by %(actor)s"),
    Verb.REQUEST_QUALIFIED: gettext_lazy("Need qualified by %(actor)s"),
    Verb.REQUEST_SENT_BACK: gettext_lazy("More information requested by %(actor)s"),
    Verb.REQUEST_DECLINED: gettext_lazy("Need declined by %(actor)s"),
    Verb.REQUEST_PROPOSED: gettext_lazy("Need proposed to labelled collectivities by %(actor)s"),
    Verb.REQUEST_MATCHED: gettext_lazy("Need accepted by a collectivity"),
    Verb.REQUEST_CANCELLED: gettext_lazy("Need cancelled by %(actor)s"),
    Verb.PROPOSAL_MADE: gettext_lazy("Mission proposed to %(collectivity)s by %(actor)s"),
    Verb.PROPOSAL_ACCEPTED: gettext_lazy("Proposal accepted by %(actor)s (%(collectivity)s)"),
    Verb.PROPOSAL_DECLINED: gettext_lazy("Proposal declined by %(actor)s (%(collectivity)s)"),
    Verb.MISSION_CREATED: gettext_lazy(
        "Need turned into a mission with %(collectivity)s by %(actor)s"
    ),
    Verb.MISSION_DATES_SET: gettext_lazy(
        "Dates set by %(actor)s: from %(departure)s to %(return)s, %(place)s"
    ),
    Verb.MISSION_DATES_CHANGED: gettext_lazy(
        "Dates changed by %(actor)s: from %(departure)s to %(return)s, %(place)s"
    ),
    Verb.MISSION_TEAM_CHANGED: gettext_lazy("Team changed by %(actor)s: %(team)s"),
    Verb.MISSION_CONFIRMED: gettext_lazy("Mission confirmed by %(actor)s"),
    Verb.MISSION_STARTED: gettext_lazy("Mission under way (recorded by %(actor)s)"),
    Verb.MISSION_RETURNED: gettext_lazy("Back from the mission (recorded by %(actor)s)"),
    Verb.MISSION_CANCELLED: gettext_lazy("Mission cancelled by %(actor)s"),
    Verb.REPORT_SUBMITTED: gettext_lazy("Report handed in by %(actor)s"),
    Verb.REPORT_REVISION_REQUESTED: gettext_lazy("Revision of the report requested by %(actor)s"),
    Verb.REPORT_ACCEPTED: gettext_lazy("Report accepted by %(actor)s"),
    Verb.REPORT_PUBLISHED: gettext_lazy("Report published in the library by %(actor)s"),
    Verb.REPORT_UNPUBLISHED: gettext_lazy("Report withdrawn from the library by %(actor)s"),
    Verb.MEMBERSHIP_CONFIRMED: gettext_lazy("Membership confirmed by %(actor)s"),
    Verb.MEMBERSHIP_REFUSED: gettext_lazy("Membership refused by %(actor)s"),
    Verb.ASSIGNED: gettext_lazy("Assignment changed by %(actor)s"),
}

# The kind of row each verb writes when it is not a state change.
KINDS = {
    Verb.APPLICATION_MESSAGE: Kind.MESSAGE,
    Verb.APPLICATION_NOTE: Kind.NOTE,
    Verb.OPINION_REQUESTED: Kind.CHANGE,
    Verb.OPINION_GIVEN: Kind.CHANGE,
    Verb.OPINION_WITHDRAWN: Kind.CHANGE,
    Verb.ASSIGNED: Kind.CHANGE,
    Verb.PROPOSAL_MADE: Kind.CHANGE,
    Verb.MISSION_DATES_SET: Kind.CHANGE,
    Verb.MISSION_DATES_CHANGED: Kind.CHANGE,
    Verb.MISSION_TEAM_CHANGED: Kind.CHANGE,
    Verb.REPORT_PUBLISHED: Kind.CHANGE,
    Verb.REPORT_UNPUBLISHED: Kind.CHANGE,
}


def format_date(value: date) -> str:
    return formats.date_format(value, "d/m/Y")


def format_moment(moment: datetime) -> str:
    """« 01/12/2026 à 14:05 », in the portal's time zone (Europe/Paris)."""
    local = timezone.localtime(moment)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local, "d/m/Y"),
        "time": formats.time_format(local, "H:i"),
    }


def _readable(value: Any) -> Any:
    # Dates are kept as ISO strings in `data`; the sentence shows them as the reader's dates.
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def actor_name(event: Event) -> str:
    if event.actor is None:
        return _("the EXPE-CT portal")
    return event.actor.get_full_name() or event.actor.email


def sentence(event: Event) -> str:
    """What happened, in the active language: "Compléments demandés par Anne Martin"."""
    template = SENTENCES.get(event.verb)
    if template is None:
        return str(event.get_verb_display())
    params = {key: _readable(value) for key, value in event.data.items()}
    params["actor"] = actor_name(event)
    try:
        return str(template) % params
    except KeyError:  # an old row without the detail the sentence names
        return str(event.get_verb_display())


def text(event: Event) -> str:
    """The sentence and the comment: "Compléments demandés par Anne Martin : le budget ?"."""
    if not event.comment.strip():
        return sentence(event)
    return _("%(sentence)s: %(comment)s") % {"sentence": sentence(event), "comment": event.comment}


# The objects an object belongs to: its events are theirs too.
PARENTS = {
    "label": ("application",),
    "proposal": ("request",),
    "mission": ("request",),
    "report": ("mission",),
}


def _link(event: Event, obj: models.Model) -> None:
    """Point the event at `obj` and at the objects it belongs to (its need, mission…)."""
    for name in Event.SUBJECTS:
        if isinstance(obj, Event._meta.get_field(name).related_model):
            setattr(event, name, obj)
            for parent in PARENTS.get(name, ()):
                if getattr(event, f"{parent}_id") is None:
                    setattr(event, f"{parent}_id", getattr(obj, f"{parent}_id"))
            return
    raise TypeError(f"{type(obj).__name__} has no timeline")


def record(
    obj: models.Model,
    *,
    verb: str,
    by=None,
    before: str = "",
    after: str = "",
    comment: str = "",
    public: bool = True,
    data: dict | None = None,
    also: Iterable[models.Model] = (),
) -> Event:
    """Write one event about `obj` (and `also`), announced to its recipients after the commit."""
    kind = KINDS.get(verb, Kind.TRANSITION)
    event = Event(
        verb=verb,
        kind=kind,
        actor=by,
        from_state=before if kind == Kind.TRANSITION else "",
        to_state=after if kind == Kind.TRANSITION else "",
        comment=comment,
        is_public=public and kind != Kind.NOTE,
        data=data or {},
    )
    for other in (obj, *also):
        _link(event, other)
    event.save()
    transaction.on_commit(partial(_announce, event.pk))
    return event


def _announce(event_pk: int) -> None:
    event = Event.objects.select_related("actor").get(pk=event_pk)
    event_recorded.send(sender=Event, event=event)


def lock(obj: models.Model, *related: str) -> models.Model:
    """The object read again with its row locked until the transaction ends."""
    queryset = type(obj)._default_manager.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=obj.pk)


Guard = Callable[[Any, Any], bool]


def transition(
    obj: models.Model,
    *,
    by,
    to: str,
    allowed_from: Iterable[str],
    verb: str,
    guard: Guard | None = None,
    refused: str = "",
    state_message: str = "",
    archived_message: str = "",
    comment: str = "",
    public: bool = True,
    fields: Iterable[str] = (),
    data: dict | None = None,
    also: Iterable[models.Model] = (),
    notify: Iterable[Callable[[], Any]] = (),
) -> Event:
    """Move `obj` (locked by the caller with `lock()`) to state `to` and record it.

    Checks the actor with `guard(by, obj)` (PermissionDenied with `refused`), then the
    state (`state_message` names the current state as `%(state)s`), saves the state
    and `fields` with `update_fields`, writes one event, and schedules `notify` after
    the commit.
    Moving an object to the state it is in is refused: it is not a transition.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() runs inside the caller's transaction.atomic().")
    if guard is not None and not guard(by, obj):
        raise PermissionDenied(refused or _("You are not allowed to do this."))
    # An archived record is finished: replaying a link to one of its steps does nothing.
    if getattr(obj, "is_archived", False):
        raise ValidationError(
            archived_message or _("This record is archived: nothing more can be done on it."),
            code="archived",
        )
    if obj.state not in allowed_from or obj.state == to:
        message = state_message or _("This is not possible in the state “%(state)s”.")
        raise ValidationError(
            message % {"state": obj.get_state_display()}, code="invalid_transition"
        )
    before = obj.state
    obj.state = to
    obj.save(update_fields=["state", *fields])
    event = record(
        obj,
        verb=verb,
        by=by,
        before=before,
        after=to,
        comment=comment,
        public=public,
        data=data,
        also=also,
    )
    for notice in notify:
        transaction.on_commit(notice)
    return event
