"""Validators and normalisers of the official identifiers of French organisations."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siren

RNA_RE = re.compile(r"^W[0-9A-Z]{9}$")


def validate_siren(value: str) -> None:
    """A SIREN has nine digits and a valid Luhn key (checked by python-stdnum)."""
    try:
        siren.validate(value)
    except InvalidLength:
        raise ValidationError(
            _("A SIREN has exactly 9 digits (you typed %(count)s).") % {"count": len(value)},
            code="siren_length",
        ) from None
    except InvalidFormat:
        raise ValidationError(_("A SIREN contains digits only."), code="siren_format") from None
    except InvalidChecksum:
        raise ValidationError(
            _("This SIREN is not valid: its check digit does not match. Check for a typo."),
            code="siren_checksum",
        ) from None


def validate_rna(value: str) -> None:
    """An RNA number (répertoire national des associations) is W and nine characters."""
    if not RNA_RE.match(value.upper()):
        raise ValidationError(
            _("An RNA number is the letter W followed by 9 characters, e.g. W751234567."),
            code="rna_format",
        )


def normalise_search(text: str) -> str:
    """Lower case, no accents, single spaces: "Saint-Étienne" → "saint etienne"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())
