from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A one-time link: it stops working once the address is confirmed or changed."""

    key_salt = "expect.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_confirmed_at}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()


# E-mail address changes: one signed link per address, bound to the request, to both
# addresses and to the side it confirms; it expires, and the request records its use.
EMAIL_CHANGE_SALT = "expect.accounts.email_change"
SIDES = ("new", "old")


def make_email_change_token(change, side: str) -> str:
    payload = {"id": change.pk, "side": side, "from": change.user.email, "to": change.new_email}
    return signing.dumps(payload, salt=EMAIL_CHANGE_SALT, compress=True)


def read_email_change_token(token: str) -> dict | None:
    """The link's content, or None if it was tampered with or is older than the timeout."""
    try:
        payload = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT
        )
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("side") not in SIDES:
        return None
    return payload
