"""Passkeys (WebAuthn, django-otp-webauthn): a second factor, and a sign-in of their own.

A person may enrol several (a laptop, a phone, a security key), name and revoke them
from their profile's security page; the authenticator app and the backup codes stay as
fallback. Each enrolment is e-mailed to the account's owner, as the app's is.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_otp_webauthn.models import WebAuthnCredential

from expect.notifications import emails

from .models import User

NAME_MAX_LENGTH = 64  # django-otp's Device.name


def for_user(user: User) -> QuerySet[WebAuthnCredential]:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def owned(user: User, pk: int) -> WebAuthnCredential | None:
    """One of the person's passkeys; None for another's, so that the view answers 404."""
    return for_user(user).filter(pk=pk).first()


@transaction.atomic
def enrolled(*, user: User, pk: int) -> WebAuthnCredential:
    """Name a passkey just registered ("Passkey 2") and tell its owner by e-mail."""
    passkey = WebAuthnCredential.objects.select_for_update().get(pk=pk, user=user)
    number = WebAuthnCredential.objects.filter(user=user).count()
    passkey.name = _("Passkey %(number)s") % {"number": number}
    passkey.save(update_fields=["name"])
    transaction.on_commit(partial(emails.passkey_enrolled, user, passkey.name))
    return passkey


def rename(passkey: WebAuthnCredential, name: str) -> None:
    passkey.name = name.strip()[:NAME_MAX_LENGTH]
    passkey.save(update_fields=["name"])


def revoke(passkey: WebAuthnCredential) -> None:
    """Remove a passkey: it no longer signs in nor verifies a session."""
    passkey.delete()
