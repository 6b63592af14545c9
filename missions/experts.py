"""New experts named by a collectivity when it accepts a mission proposal."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import Membership, User
from expect.accounts.services import invite
from expect.organisations.models import Collectivity

from .permissions import is_member_of


def can_add_expert(user: User, collectivity: Collectivity) -> bool:
    """A confirmed member (not an expert) of the collectivity, or DAECT."""
    return is_member_of(user, collectivity.pk) or user.is_daect


def email_taken(email: str) -> ValidationError | None:
    """The refusal to give when an account already uses this address, else None."""
    if not User.objects.filter(email__iexact=email.strip()).exists():
        return None
    return ValidationError(
        _(
            "An account already exists with the address %(email)s. If this person is a member "
            "of your collectivity, tick their name in the list; otherwise contact DAECT."
        )
        % {"email": email.strip()},
        code="email_taken",
    )


@transaction.atomic
def create_expert(
    collectivity: Collectivity,
    *,
    first_name: str,
    last_name: str,
    email: str,
    position: str,
    by: User,
) -> User:
    """An expert account, confirmed member of the collectivity, invited to choose a password.

    The e-mail address stays unconfirmed until the expert follows the invitation.
    """
    if not can_add_expert(by, collectivity):
        raise PermissionDenied(_("Only the collectivity's members add its experts."))
    if refusal := email_taken(email):
        raise refusal
    try:
        # A savepoint: the address may have been taken between the check and the insert.
        with transaction.atomic():
            user = User.objects.create_user(
                email=email.strip(),
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                position=position.strip(),
                role=User.Role.EXPERT,
                email_confirmed_at=None,
            )
    except IntegrityError:
        if refusal := email_taken(email):
            raise refusal from None
        raise
    Membership.objects.create(
        user=user,
        collectivity=collectivity,
        state=Membership.State.ACTIVE,
        decided_at=timezone.now(),
        decided_by=by,
    )
    transaction.on_commit(partial(invite, user, by))
    return user
