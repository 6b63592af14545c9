"""New experts named by a collectivity when it accepts a mission proposal."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import Membership, User
from expect.accounts.services import invite
from expect.organisations.models import Collectivity

from . import emails
from .permissions import is_member_of


def can_add_expert(user: User, collectivity: Collectivity) -> bool:
    """A confirmed member (not an expert) of the collectivity, or DAECT."""
    return is_member_of(user, collectivity.pk) or user.is_daect


def _colleague(email: str, collectivity: Collectivity) -> User | None:
    """The confirmed member of this collectivity who has the address, if any."""
    return User.objects.filter(
        email=email,
        membership__collectivity=collectivity,
        membership__state=Membership.State.ACTIVE,
    ).first()


@transaction.atomic
def create_expert(
    collectivity: Collectivity,
    *,
    first_name: str,
    last_name: str,
    email: str,
    position: str,
    by: User,
) -> User | None:
    """An expert account, confirmed member of the collectivity, invited to choose a password.

    The e-mail address stays unconfirmed until the expert follows the invitation. An
    address that already has an account gives its colleague if they are a member here;
    otherwise None, and its owner is told by e-mail: the form answers the same either
    way, so it tells nobody which addresses have an account.
    """
    if not can_add_expert(by, collectivity):
        raise PermissionDenied(_("Only the collectivity's members add its experts."))
    email = User.objects.normalize_email(email)
    if colleague := _colleague(email, collectivity):
        return colleague  # the colleague the list shows anyway
    try:
        # A savepoint: the address may have been taken between the check and the insert.
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                position=position.strip(),
                role=User.Role.EXPERT,
                email_confirmed_at=None,
            )
    except IntegrityError:
        # Someone else's account: the member is not told whose address it is; its owner is.
        owner = User.objects.filter(email=email).first()
        if owner is None:
            raise
        transaction.on_commit(partial(emails.expert_naming_attempted, owner, by, collectivity))
        return None
    Membership.objects.create(
        user=user,
        collectivity=collectivity,
        state=Membership.State.ACTIVE,
        decided_at=timezone.now(),
        decided_by=by,
    )
    transaction.on_commit(partial(invite, user, by))
    return user
