"""One spelling per e-mail address, and only addresses the mail backend can send to.

PostgreSQL compares case-insensitively with UPPER(), which folds more than Python's
lower(): "ſ" (long s) and "ı" (dotless i) become "S" and "I", the Kelvin sign "K" is
a "K", full-width letters and combining accents have other code points for the same
text. If the account lookup folds and the lockout key does not, one address has two
keys. Every address is therefore reduced to one canonical form (`canonical_email`)
wherever it is typed: registration, sign-in, lockout, password reset, invitations and
address changes. An address is a key, so these rules must never change for an address
already stored: they only fold what the database would fold anyway.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email
from django.db import models
from django.db.models import lookups
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _

# Enough rounds for any chain of foldings (ß → SS → ss, ſ → S → s, ı → I → i).
_FOLD_ROUNDS = 4


def canonical_email(value: object) -> str:
    """The one spelling of an address: NFKC, case folded, with what UPPER() folds folded too.

    Not a validation: any text gets a canonical form, so that the lockout key of a
    malformed address is stable as well.
    """
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    for _round in range(_FOLD_ROUNDS):
        folded = unicodedata.normalize("NFKC", text.casefold().upper().casefold())
        if folded == text:
            break
        text = folded
    return text


def _has_control_character(value: str) -> bool:
    return any(unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} for char in value)


def validate_deliverable_email(value: str) -> None:
    """Refuse an address the portal could store but not send a message to.

    Django's validator accepts a domain that IDNA cannot encode (the message then fails
    after the transaction committed) and any letter before the "@", which the mail
    backend can only send as an encoded word no server delivers to.
    """
    message = _(
        "This e-mail address cannot receive our messages. Check it: letters without "
        "accents, digits and . _ - + before the @, a valid domain after it."
    )
    if _has_control_character(value) or "@" not in value:
        raise ValidationError(message, code="undeliverable_email")
    local, domain = value.rsplit("@", 1)
    if not local.isascii():
        raise ValidationError(message, code="undeliverable_email")
    try:
        ascii_domain = punycode(domain)
        sanitize_address(f"{local}@{ascii_domain}", "utf-8")
        validate_email(f"{local}@{ascii_domain}")
    except (UnicodeError, ValueError, ValidationError):
        raise ValidationError(message, code="undeliverable_email") from None


class EmailAddressField(forms.EmailField):
    """A form's e-mail address: canonical spelling, and one our messages can reach."""

    def __init__(self, *, check_deliverable: bool = True, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        # Signing in and asking for a password reset take any stored address as typed.
        if check_deliverable:
            self.validators.append(validate_deliverable_email)

    def to_python(self, value):
        value = super().to_python(value)
        return canonical_email(value) if value else value


class EmailAddress(models.EmailField):
    """A stored address, always in its canonical spelling, whether saved or looked up.

    `get_prep_value` serves the lookups too: `filter(email__iexact="ſam@x.fr")` looks
    for "sam@x.fr", so no query can find an account by a second spelling.
    """

    default_validators = [validate_deliverable_email]

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return canonical_email(value) if isinstance(value, str) and value else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str) and value:
            setattr(model_instance, self.attname, canonical_email(value))
        return super().pre_save(model_instance, add)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": EmailAddressField, **kwargs})


@EmailAddress.register_lookup
class CanonicalIExact(lookups.IExact):
    """`email__iexact` looks for the canonical spelling too (Django's skips get_prep_value)."""

    prepare_rhs = True
