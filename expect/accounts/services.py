"""Writes on accounts and memberships: registration, confirmation and their e-mails."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from expect.notifications import emails
from expect.organisations.models import Collectivity

from .models import Membership, User
from .permissions import can_decide_membership
from .tokens import email_confirmation_token


def confirmation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    return emails.absolute_url(reverse("accounts:confirm_email", args=[uid, token]))


@transaction.atomic
def register_member(*, collectivity: Collectivity, password: str, **fields) -> User:
    """Create an account waiting for its e-mail confirmation and a pending membership."""
    user = User.objects.create_user(role=User.Role.MEMBER, password=password, **fields)
    Membership.objects.create(user=user, collectivity=collectivity)
    transaction.on_commit(lambda: send_email_confirmation(user))
    return user


def send_email_confirmation(user: User) -> None:
    emails.email_confirmation(user, confirmation_url(user))


@transaction.atomic
def confirm_email(user: User) -> None:
    """Record the confirmation; the referents (or DAECT) are then asked to confirm the member."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at:
        return
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    membership = Membership.objects.filter(user=user, state=Membership.State.PENDING).first()
    if membership is not None:
        referents = [
            m.user
            for m in Membership.objects.referents()
            .filter(collectivity_id=membership.collectivity_id)
            .select_related("user")
        ]
        transaction.on_commit(partial(emails.membership_requested, membership, referents))


def _lock_pending(membership: Membership, by: User) -> Membership:
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not can_decide_membership(by, membership):
        raise PermissionDenied("This request cannot be decided by this user now.")
    return membership


@transaction.atomic
def membership_confirm(*, membership: Membership, by: User) -> Membership:
    """Confirm a pending member. The first member DAECT confirms becomes the referent."""
    membership = _lock_pending(membership, by)
    membership.state = Membership.State.ACTIVE
    membership.decided_at = timezone.now()
    membership.decided_by = by
    has_referent = (
        Membership.objects.referents().filter(collectivity_id=membership.collectivity_id).exists()
    )
    membership.is_referent = not has_referent
    membership.save(update_fields=["state", "decided_at", "decided_by", "is_referent"])
    transaction.on_commit(partial(emails.membership_confirmed, membership))
    return membership


@transaction.atomic
def membership_refuse(*, membership: Membership, by: User, reason: str) -> Membership:
    membership = _lock_pending(membership, by)
    membership.state = Membership.State.REFUSED
    membership.decided_at = timezone.now()
    membership.decided_by = by
    membership.reason = reason
    membership.save(update_fields=["state", "decided_at", "decided_by", "reason"])
    transaction.on_commit(partial(emails.membership_refused, membership))
    return membership


def invite(user: User, by: User | None = None) -> None:
    """Send a person whose account was created for them a link to choose their password.

    `by` is who created it: DAECT (the default) or a member naming a colleague expert.
    """
    from django.contrib.auth.tokens import default_token_generator

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", args=[uid, token])
    inviter = by if by is not None and not by.is_daect else None
    emails.account_invitation(user, emails.absolute_url(path), inviter=inviter)
