"""The second factor: who must give one, and the devices that give it (django-otp).

DAECT staff and anyone entering the Django admin must sign in with a TOTP code from
an authenticator app (or one of their single-use backup codes); other people may
turn it on from their profile, and are then asked for it too.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import segno
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.notifications import emails

if TYPE_CHECKING:
    from .models import User

BACKUP_CODES = 10
# Set at sign-in for a person who chose a second factor although no rule requires it.
REQUIRED_SESSION_KEY = "otp_required"
# The backup codes just generated, shown once on the next page and then forgotten.
NEW_CODES_SESSION_KEY = "otp_new_backup_codes"
TOTP_NAME = "Authenticator app"
STATIC_NAME = "Backup codes"
# A person who must have a second factor and has none proves they own the mailbox before
# setting one up: the password alone must not let someone enrol their own phone.
ENROL_LINK_SALT = "expect.accounts.second-factor-enrolment"
ENROL_LINK_MAX_AGE = 60 * 60  # seconds
ENROL_ALLOWED_SESSION_KEY = "otp_enrol_allowed"
ENROL_LINK_SENT_SESSION_KEY = "otp_enrol_link_sent_at"
ENROL_LINK_RESEND_AFTER = 60  # seconds between two links asked from one session


class CodeRefused(Exception):
    """A wrong code, or a right one given too soon after wrong ones; the message says which."""


def is_required(user: User) -> bool:
    """DAECT staff and whoever may enter the Django admin always give a second factor."""
    return user.is_authenticated and (user.is_daect or user.is_staff or user.is_superuser)


def is_verified(user) -> bool:
    """Whether this session's second factor was given (OTPMiddleware sets `is_verified`)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def must_verify(request: HttpRequest) -> bool:
    """The signed-in person still owes this session their second factor."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    return is_required(user) or bool(request.session.get(REQUIRED_SESSION_KEY))


def has_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def enrolment_needs_link(request: HttpRequest) -> bool:
    """Whether this session must first open the link e-mailed to the person to enrol."""
    user = request.user
    return (
        is_required(user)
        and not has_device(user)
        and request.session.get(ENROL_ALLOWED_SESSION_KEY) != user.pk
    )


def send_enrolment_link(request: HttpRequest) -> bool:
    """E-mail the enrolment link, unless one was sent from this session a moment ago."""
    now = timezone.now().timestamp()
    last = request.session.get(ENROL_LINK_SENT_SESSION_KEY)
    if last and now - last < ENROL_LINK_RESEND_AFTER:
        return False
    token = signing.dumps(request.user.pk, salt=ENROL_LINK_SALT)
    url = emails.absolute_url(reverse("accounts:otp_enrol_link", args=[token]))
    emails.second_factor_enrolment_link(request.user, url)
    request.session[ENROL_LINK_SENT_SESSION_KEY] = now
    return True


def accept_enrolment_link(request: HttpRequest, token: str) -> bool:
    """Open enrolment to this session if the link is the signed-in person's and recent."""
    try:
        user_pk = signing.loads(token, salt=ENROL_LINK_SALT, max_age=ENROL_LINK_MAX_AGE)
    except signing.BadSignature:
        return False
    if user_pk != request.user.pk:
        return False
    request.session[ENROL_ALLOWED_SESSION_KEY] = user_pk
    return True


def pending_totp(user: User) -> TOTPDevice:
    """The authenticator being enrolled: kept until confirmed, so a reload keeps its secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The enrolment link as an inline SVG QR code (no script, no style attribute)."""
    qr = segno.make(device.config_url, error="m")
    title = _("QR code to scan with your authenticator app")
    return qr.svg_inline(scale=4, light="white", title=title)


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator with a first code; return fresh backup codes.

    The session counts as verified, and any other authenticator of the person is removed.
    A wrong code is counted (throttling) and nothing else is written.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(normalise(code)):
            device = None
        else:
            TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = new_backup_codes(device.user)
            transaction.on_commit(partial(emails.second_factor_enrolled, device.user))
    if device is None:
        raise CodeRefused(_wrong_code_message(pending_totp(request.user)))
    otp_login(request, device)
    request.session[REQUIRED_SESSION_KEY] = True
    return codes


@transaction.atomic
def new_backup_codes(user: User) -> list[str]:
    """Replace the person's backup codes by BACKUP_CODES new ones, each valid once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=STATIC_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def normalise(code: str) -> str:
    return "".join(code.split()).lower()


def verify(request: HttpRequest, code: str) -> Device:
    """Check a code from the app (six digits) or a backup code, and mark the session verified.

    Only the device the code is meant for counts the attempt, so that a right TOTP code
    does not slow down the backup codes, and the reverse.
    """
    code = normalise(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        devices = [
            d for d in devices_for_user(request.user, for_verify=True) if isinstance(d, model)
        ]
        accepted = next((d for d in devices if d.verify_token(code)), None)
    # Outside the transaction: the wrong attempt it counted must stay counted.
    if accepted is None:
        if not devices:
            raise CodeRefused(_("This code is not valid: check it and try again."))
        raise CodeRefused(_wrong_code_message(devices[0]))
    otp_login(request, accepted)
    return accepted


def _wrong_code_message(device: Device) -> str:
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return _("This code is not valid: check it and try again.")
    time = data["locked_until"].astimezone().strftime("%H:%M:%S")
    # Each wrong code makes the next try wait (1 s, 2 s, 4 s…): one wrong code is a typo,
    # not "too many", and the message says only what happened.
    failures = getattr(device, "throttling_failure_count", 0)
    if failures <= 1:
        return _("A wrong code was typed: try again from %(time)s.") % {"time": time}
    return _(
        "%(count)s wrong codes in a row: wait until %(time)s before trying again, so that "
        "nobody can guess them."
    ) % {"count": failures, "time": time}


def remaining_backup_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset_devices(user: User) -> int:
    """Remove every second-factor device of a person (lost phone): they enrol again at sign-in."""
    count = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        count += 1
    return count


def forget_verification(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def remember_if_required(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """At sign-in, note whether a person no rule obliges has chosen a second factor.

    Kept in the session so that the middleware need not look for devices at each request.
    """
    if request is not None and hasattr(request, "session"):
        request.session[REQUIRED_SESSION_KEY] = not is_required(user) and has_device(user)
