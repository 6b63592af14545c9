"""Who may do what with accounts and memberships. Each rule is a small predicate."""

from __future__ import annotations

from .models import Membership, User


def can_decide_membership(user: User, membership: Membership) -> bool:
    """DAECT staff decide any request; a referent decides requests to their own collectivity.

    Nobody decides their own request, and only pending requests are decided.
    """
    if not user.is_authenticated:
        return False
    if membership.state != Membership.State.PENDING or membership.user_id == user.pk:
        return False
    if user.is_daect:
        return True
    own = user.active_membership
    return bool(own and own.is_referent and own.collectivity_id == membership.collectivity_id)


def can_edit_collectivity(user: User, collectivity_id: int) -> bool:
    """A confirmed member of the collectivity (not a pending one) edits its profile; DAECT too."""
    if user.is_daect:
        return True
    own = user.active_membership
    return bool(own and own.collectivity_id == collectivity_id and user.role == User.Role.MEMBER)


def can_manage_account(user: User, account: User) -> bool:
    """A superuser manages every account; anyone else, only accounts without back-office
    access (neither staff nor superuser), so that nobody takes over a stronger account by
    changing its e-mail address, its password or its second factor."""
    return user.is_superuser or not (account.is_staff or account.is_superuser)


def pending_membership(user: User) -> Membership | None:
    """The member's request to act for a collectivity while it waits for confirmation."""
    membership = getattr(user, "membership", None)
    if (
        user.is_authenticated
        and user.role == User.Role.MEMBER
        and membership is not None
        and membership.state == Membership.State.PENDING
    ):
        return membership
    return None
