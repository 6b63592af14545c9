"""Who may do what with a collectivity's own record."""

from __future__ import annotations

from expect.accounts.models import User

from .models import Collectivity


def can_publish_contact(user: User, collectivity: Collectivity) -> bool:
    """The referent of the collectivity chooses the contact its public page shows; DAECT too.

    Other members edit the rest of the profile but not what the collectivity tells the
    public: the referent answers for it.
    """
    if user.is_daect:
        return True
    own = user.active_membership
    return bool(own and own.collectivity_id == collectivity.pk and own.is_referent)
