"""Who may act on a label application. Each rule is a small predicate."""

from __future__ import annotations

from expect.accounts.models import User

from .models import LabelApplication


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


def can_edit(user: User, application: LabelApplication) -> bool:
    """The applicant edits a draft, or a dossier sent back for more information."""
    return is_applicant(user, application) and application.is_editable


def can_withdraw(user: User, application: LabelApplication) -> bool:
    """The applicant withdraws the dossier at any time before the decision."""
    return is_applicant(user, application) and application.state not in application.CLOSED_STATES


def can_instruct(user: User, application: LabelApplication) -> bool:
    """Only DAECT staff review, schedule and decide."""
    return user.is_authenticated and user.is_daect


def is_opinion_giver(user: User, application: LabelApplication) -> bool:
    """Someone DAECT asked for an opinion reads the dossier."""
    return application.opinions.filter(requested_from=user).exists()


def can_view(user: User, application: LabelApplication) -> bool:
    """DAECT, the collectivity's confirmed members and those asked for an opinion."""
    if user.is_daect:
        return True
    collectivity = user.collectivity
    if collectivity is not None and collectivity.pk == application.collectivity_id:
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
