"""Who may act on a label application. Each rule is a small predicate."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from expect.accounts.models import User
from expect.accounts.permissions import pending_membership

from .models import CommitteeSession, LabelApplication


def is_applicant(user: User, application: LabelApplication) -> bool:
    """A confirmed member (not an expert) of the applying collectivity."""
    if not user.is_authenticated:
        return False
    membership = user.active_membership
    return bool(
        membership
        and user.role == User.Role.MEMBER
        and membership.collectivity_id == application.collectivity_id
    )


def is_pending_drafter(user: User, application: LabelApplication) -> bool:
    """A member still waiting for confirmation prepares their own draft, nothing more."""
    membership = pending_membership(user)
    return bool(
        membership
        and membership.collectivity_id == application.collectivity_id
        and application.created_by_id == user.pk
        and application.state == LabelApplication.State.DRAFT
    )


def can_edit(user: User, application: LabelApplication) -> bool:
    """The applicant edits a draft, or a dossier sent back for more information; a member
    waiting for confirmation, the drafts they started."""
    if is_pending_drafter(user, application):
        return True
    return is_applicant(user, application) and application.is_editable


def can_submit(user: User, application: LabelApplication) -> bool:
    """Only a confirmed member submits: a pending member's draft waits for confirmation."""
    return is_applicant(user, application) and application.state == LabelApplication.State.DRAFT


def can_withdraw(user: User, application: LabelApplication) -> bool:
    """The applicant withdraws the dossier at any time before the decision."""
    return is_applicant(user, application) and application.state not in application.CLOSED_STATES


def can_instruct(user: User, application: LabelApplication) -> bool:
    """Only DAECT staff review, schedule and decide."""
    return user.is_authenticated and user.is_daect


def opinion_candidates(application: LabelApplication | None = None) -> QuerySet[User]:
    """Who DAECT may ask for an opinion: DAECT staff, embassy agents, members of a
    selection committee and the thematic desks; on a given dossier, never the person
    who filed it nor anyone of the applying collectivity (confirmed or not)."""
    people = User.objects.filter(is_active=True).filter(
        Q(role__in=[User.Role.DAECT, User.Role.EMBASSY])
        | Q(committees__isnull=False)
        | Q(theme_desks__isnull=False)
    )
    if application is not None:
        people = people.exclude(pk=application.created_by_id).exclude(
            membership__collectivity_id=application.collectivity_id
        )
    # The joins on committees and desks repeat a person once per committee or theme.
    return User.objects.filter(pk__in=people.values("pk"))


def can_be_asked_an_opinion(user: User, application: LabelApplication) -> bool:
    """The person is among the opinion candidates of this dossier."""
    return opinion_candidates(application).filter(pk=user.pk).exists()


def is_opinion_giver(user: User, application: LabelApplication) -> bool:
    """Someone DAECT asked for an opinion (and did not withdraw the request) reads the dossier."""
    return application.opinions.active().filter(requested_from=user).exists()


def can_view(user: User, application: LabelApplication) -> bool:
    """DAECT, the collectivity's confirmed members and those asked for an opinion."""
    if user.is_daect:
        return True
    collectivity = user.collectivity
    if collectivity is not None and collectivity.pk == application.collectivity_id:
        return True
    if is_pending_drafter(user, application):
        return True
    return is_opinion_giver(user, application)


def can_write_message(user: User, application: LabelApplication) -> bool:
    """The applicant and DAECT write to each other on an open dossier."""
    if (
        application.state in application.CLOSED_STATES
        or application.state == application.State.DRAFT
    ):
        return False
    return (user.is_authenticated and user.is_daect) or is_applicant(user, application)


def can_chair(user: User, session: CommitteeSession) -> bool:
    """The DAECT agent named chair of the session records its decisions and signs."""
    return user.is_daect and session.chair_id is not None and session.chair_id == user.pk
