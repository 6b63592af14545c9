"""Writes on accounts and memberships: registration, confirmation and their e-mails."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from expect.core import events
from expect.core.models import Event
from expect.notifications import emails
from expect.organisations.models import Collectivity

from . import tokens
from .models import EmailChange, Membership, User
from .permissions import can_decide_membership
from .tokens import email_confirmation_token


def confirmation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    return emails.absolute_url(reverse("accounts:confirm_email", args=[uid, token]))


@transaction.atomic
def register_member(*, collectivity: Collectivity, password: str, **fields) -> User | None:
    """Create an account waiting for its e-mail confirmation and a pending membership.

    If the address already has an account, nothing is created and its owner is told by
    e-mail that someone tried: the person registering sees the same page either way, so
    registration tells nobody which addresses have an account. Returns None then.
    """
    email = User.objects.normalize_email(fields.pop("email"))
    try:
        with transaction.atomic():  # a savepoint: the address may be taken meanwhile
            user = User.objects.create_user(
                email=email, role=User.Role.MEMBER, password=password, **fields
            )
    except IntegrityError:
        user = None
    if user is None:
        owner = User.objects.filter(email=email).first()
        if owner is not None:
            transaction.on_commit(partial(emails.registration_attempted, owner))
        return None
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
    membership.decided_at = timezone.now()
    membership.decided_by = by
    has_referent = (
        Membership.objects.referents().filter(collectivity_id=membership.collectivity_id).exists()
    )
    membership.is_referent = not has_referent
    events.transition(
        membership,
        by=by,
        to=Membership.State.ACTIVE,
        allowed_from=[Membership.State.PENDING],
        verb=Event.Verb.MEMBERSHIP_CONFIRMED,
        fields=["decided_at", "decided_by", "is_referent"],
        notify=[partial(emails.membership_confirmed, membership)],
    )
    return membership


@transaction.atomic
def membership_refuse(*, membership: Membership, by: User, reason: str) -> Membership:
    membership = _lock_pending(membership, by)
    membership.decided_at = timezone.now()
    membership.decided_by = by
    membership.reason = reason
    events.transition(
        membership,
        by=by,
        to=Membership.State.REFUSED,
        allowed_from=[Membership.State.PENDING],
        verb=Event.Verb.MEMBERSHIP_REFUSED,
        comment=reason,
        fields=["decided_at", "decided_by", "reason"],
        notify=[partial(emails.membership_refused, membership)],
    )
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


# E-mail address changes --------------------------------------------------------------


class EmailChangeRefused(Exception):
    """The change cannot go on; the message says why, for the person."""


def email_in_use(email: str, *, by_other_than: User) -> bool:
    return User.objects.filter(email=email).exclude(pk=by_other_than.pk).exists()


def email_change_url(change: EmailChange, side: str) -> str:
    token = tokens.make_email_change_token(change, side)
    return emails.absolute_url(reverse("accounts:email_change_confirm", args=[token]))


@transaction.atomic
def email_change_request(*, user: User, new_email: str) -> EmailChange:
    """Ask both addresses to confirm a new sign-in address; it replaces any earlier request."""
    new_email = User.objects.normalize_email(new_email)
    if new_email == User.objects.normalize_email(user.email):
        raise EmailChangeRefused(_("This is already the address of your account."))
    if email_in_use(new_email, by_other_than=user):
        raise EmailChangeRefused(_("Another account already uses this e-mail address."))
    EmailChange.objects.filter(user=user).delete()
    change = EmailChange.objects.create(user=user, new_email=new_email)
    urls = {side: email_change_url(change, side) for side in tokens.SIDES}
    transaction.on_commit(partial(emails.email_change_requested, change, urls["new"], urls["old"]))
    return change


class EmailChangeOutcome:
    WAITING = "waiting"  # this address confirmed; the other one has not yet
    APPLIED = "applied"  # both confirmed: the account now uses the new address
    ADDRESS_TAKEN = "address_taken"  # another account took the address meanwhile: cancelled


@transaction.atomic
def email_change_confirm(*, token: str) -> str:
    """Record one address's confirmation; once both have confirmed, apply the change."""
    payload = tokens.read_email_change_token(token)
    change = None
    if payload:
        change = (
            EmailChange.objects.select_for_update()
            .select_related("user")
            .filter(pk=payload["id"])
            .first()
        )
    if change is None or (change.user.email, change.new_email) != (payload["from"], payload["to"]):
        raise EmailChangeRefused(
            _(
                "This link is not valid: it has expired, a newer request replaced it, or the "
                "change is already done."
            )
        )
    field = f"{payload['side']}_confirmed_at"
    if getattr(change, field) is not None:
        raise EmailChangeRefused(_("This address has already confirmed the change."))
    setattr(change, field, timezone.now())
    change.save(update_fields=[field])
    if not change.is_confirmed:
        return EmailChangeOutcome.WAITING
    return _apply_email_change(change)


def _apply_email_change(change: EmailChange) -> str:
    user = User.objects.select_for_update().get(pk=change.user_id)
    old_email = user.email
    change.delete()
    if email_in_use(change.new_email, by_other_than=user):
        return EmailChangeOutcome.ADDRESS_TAKEN
    user.email = change.new_email
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email", "email_confirmed_at"])
    transaction.on_commit(partial(emails.email_changed, user, old_email))
    return EmailChangeOutcome.APPLIED


def email_change_cancel(*, user: User) -> bool:
    deleted, _rows = EmailChange.objects.filter(user=user).delete()
    return bool(deleted)
