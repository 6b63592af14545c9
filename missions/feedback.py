"""The foreign partner is heard, and the collectivity says what followed.

Partner feedback: `PARTNER_FEEDBACK_DELAY_DAYS` after the return (21 by default), the
contact the embassy gave on the need receives, in the need's language, a link with a
secret token to a short form that needs no account. Only the token's SHA-256 is kept;
the link expires after `PARTNER_FEEDBACK_LINK_DAYS` and serves one submission. Without
an answer `PARTNER_FEEDBACK_REMINDER_DAYS` later, one reminder leaves with a new link
(the earlier one then stops working). The embassy may record the answers itself.

Follow-up: six and twelve months after the return, the collectivity's members are asked
on the portal what followed (cooperation going on, agreement, other funding).

Each send is claimed first (a unique row, or a conditional UPDATE that must touch one
row), so that two sweeps at once never send twice.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import User

from . import emails
from .models import CollectivityFollowUp, Mission, PartnerFeedback
from .permissions import can_answer_follow_up, can_relay_feedback

ANSWER_FIELDS = (
    "need_met",
    "usefulness",
    "rating_expertise",
    "rating_organisation",
    "next_steps",
    "comment",
)
TEXT_ANSWERS = ("need_met", "next_steps", "comment")
FOLLOW_UP_FIELDS = ("continuing_cooperation", "cooperation_agreement", "other_funding", "comment")
FOLLOW_UP_MONTHS = {
    CollectivityFollowUp.Step.SIX_MONTHS: 6,
    CollectivityFollowUp.Step.TWELVE_MONTHS: 12,
}


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=getattr(settings, name, default))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


# The partner's feedback


def feedback_due(today: date) -> QuerySet[Mission]:
    """Missions back for the delay whose partner has a contact and was not asked yet."""
    back_before = today - _days("PARTNER_FEEDBACK_DELAY_DAYS", 21)
    return (
        Mission.objects.unarchived()
        .filter(state__in=Mission.BACK_STATES, return_date__lte=back_before)
        .filter(partner_feedback__isnull=True)
        .exclude(request__partner_contact_email="")
        .select_related("request")
    )


def ask_partner(*, mission: Mission) -> PartnerFeedback | None:
    """Create the feedback row with its token and e-mail the link; None if asked already."""
    token, hashed = _new_token()
    now, need = timezone.now(), mission.request
    try:
        with transaction.atomic():
            feedback = PartnerFeedback.objects.create(
                mission=mission,
                token_hash=hashed,
                language=need.partner_language,
                email=need.partner_contact_email,
                sent_at=now,
                expires_at=now + _days("PARTNER_FEEDBACK_LINK_DAYS", 60),
            )
            transaction.on_commit(partial(emails.partner_feedback_asked, feedback, token))
    except IntegrityError:
        return None  # another sweep claimed it first
    return feedback


def reminders_due(now) -> QuerySet[PartnerFeedback]:
    sent_before = now - _days("PARTNER_FEEDBACK_REMINDER_DAYS", 14)
    return PartnerFeedback.objects.filter(
        answered_at__isnull=True, reminded_at__isnull=True, sent_at__lte=sent_before
    )


def remind_partner(*, feedback: PartnerFeedback) -> bool:
    """Claim the one reminder with a conditional UPDATE, then send a new link."""
    token, hashed = _new_token()
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            reminders_due(now)
            .filter(pk=feedback.pk)
            .update(
                reminded_at=now,
                token_hash=hashed,
                expires_at=now + _days("PARTNER_FEEDBACK_LINK_DAYS", 60),
            )
        )
        if claimed != 1:
            return False
        feedback.refresh_from_db()
        transaction.on_commit(partial(emails.partner_feedback_asked, feedback, token, True))
    return True


class LinkRefused(Exception):
    """The link leads nowhere: unknown, expired or already used. `reason` says which."""

    def __init__(self, reason: str, feedback: PartnerFeedback | None = None):
        super().__init__(reason)
        self.reason, self.feedback = reason, feedback


def feedback_for_token(token: str, *, lock: bool = False) -> PartnerFeedback:
    """The feedback this token opens, and nothing else; LinkRefused otherwise."""
    rows = PartnerFeedback.objects.select_related(
        "mission__request__theme", "mission__collectivity"
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    feedback = rows.filter(token_hash=hash_token(token)).first() if token else None
    if feedback is None:
        raise LinkRefused("unknown")
    if feedback.is_answered:
        raise LinkRefused("used", feedback)
    if feedback.is_expired:
        raise LinkRefused("expired", feedback)
    return feedback


def _answer(feedback: PartnerFeedback, answers: dict) -> None:
    if not answers.get("need_met"):
        raise ValidationError(_("Say whether the need was met."), code="need_met")
    for name in ANSWER_FIELDS:
        value = answers.get(name)
        empty = "" if name in TEXT_ANSWERS else None
        setattr(feedback, name, empty if value in (None, "") else value)
    feedback.answered_at = timezone.now()


@transaction.atomic
def partner_answer(*, token: str, answers: dict) -> PartnerFeedback:
    """The partner's answers, through the link: once, before it expires."""
    feedback = feedback_for_token(token, lock=True)
    _answer(feedback, answers)
    feedback.answered_via = PartnerFeedback.Via.LINK
    feedback.save()
    transaction.on_commit(partial(emails.partner_feedback_given, feedback))
    return feedback


@transaction.atomic
def embassy_relay(*, mission: Mission, by: User, answers: dict) -> PartnerFeedback:
    """The embassy records the partner's answers itself (met, phoned…), once."""
    if not can_relay_feedback(by, mission):
        raise PermissionDenied(_("Only the embassy of the country relays the partner's answers."))
    if not mission.is_back:
        raise ValidationError(
            _("The partner's opinion is recorded once the team is back."), code="not_back"
        )
    now = timezone.now()
    feedback, _created = PartnerFeedback.objects.select_for_update().get_or_create(
        mission=mission,
        defaults={
            # A token nobody knows: the row is answered at once, no link is sent.
            "token_hash": _new_token()[1],
            "language": mission.request.partner_language,
            "expires_at": now,
        },
    )
    if feedback.is_answered:
        raise ValidationError(_("The partner's answers are already recorded."), code="answered")
    _answer(feedback, answers)
    feedback.answered_via, feedback.relayed_by = PartnerFeedback.Via.EMBASSY, by
    feedback.save()
    transaction.on_commit(partial(emails.partner_feedback_given, feedback))
    return feedback


# The collectivity's follow-up


@dataclass(frozen=True)
class FollowUpDue:
    mission: Mission
    step: str


def follow_ups_due(today: date) -> list[FollowUpDue]:
    """Each step whose date has come (within the catch-up window) and was not asked yet."""
    window = timedelta(days=getattr(settings, "REMINDER_CATCH_UP_DAYS", 30))
    due = []
    for step, months in FOLLOW_UP_MONTHS.items():
        latest = today - relativedelta(months=months)
        asked = CollectivityFollowUp.objects.filter(mission=OuterRef("pk"), step=step)
        missions = (
            Mission.objects.unarchived()
            .filter(state__in=Mission.BACK_STATES)
            .filter(return_date__lte=latest, return_date__gte=latest - window)
            .exclude(Exists(asked))
            .select_related("request", "collectivity")
        )
        due += [FollowUpDue(mission, step) for mission in missions]
    return due


def ask_follow_up(*, mission: Mission, step: str) -> CollectivityFollowUp | None:
    try:
        with transaction.atomic():
            follow_up = CollectivityFollowUp.objects.create(mission=mission, step=step)
            transaction.on_commit(partial(emails.follow_up_asked, follow_up))
    except IntegrityError:
        return None
    return follow_up


@transaction.atomic
def follow_up_answer(
    *, follow_up: CollectivityFollowUp, by: User, answers: dict
) -> CollectivityFollowUp:
    follow_up = CollectivityFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not can_answer_follow_up(by, follow_up):
        raise PermissionDenied(_("Only the collectivity's members say what followed."))
    if follow_up.is_answered:
        raise ValidationError(_("This question was already answered."), code="answered")
    for name in FOLLOW_UP_FIELDS:
        setattr(follow_up, name, answers.get(name) or (False if name != "comment" else ""))
    follow_up.answered_at, follow_up.answered_by = timezone.now(), by
    follow_up.save()
    return follow_up


def sweep(today: date | None = None) -> dict[str, int]:
    """Ask, remind and follow up what is due; the periodic task runs this."""
    now = timezone.now()
    today = today or timezone.localdate()
    asked = sum(ask_partner(mission=m) is not None for m in feedback_due(today))
    reminded = sum(remind_partner(feedback=f) for f in reminders_due(now))
    followed = sum(
        ask_follow_up(mission=d.mission, step=d.step) is not None for d in follow_ups_due(today)
    )
    return {"asked": asked, "reminded": reminded, "follow_ups": followed}
