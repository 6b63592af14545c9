"""Who may act on needs, proposals and missions. Each rule is a small predicate."""

from __future__ import annotations

from expect.accounts.models import User


def is_member_of(user: User, collectivity_id: int) -> bool:
    """A confirmed member (not an expert) of the collectivity."""
    if not user.is_authenticated:
        return False
    membership = user.active_membership
    return bool(
        membership
        and user.role == User.Role.MEMBER
        and membership.collectivity_id == collectivity_id
    )
