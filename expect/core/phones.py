"""Phone numbers: checked and formatted with phonenumbers (django-phonenumber-field).

French numbers may be typed the French way (01 23 45 67 89); others start with their
international prefix (+221 33 889 13 00). Stored as E.164 (+33123456789), shown in
the international format. A value stored before the check existed and that is not a
number is kept as typed (see the migrations named frm_phone): the form then asks for
a valid number at the next save.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField as PhoneNumberFormField
from phonenumber_field.modelfields import PhoneNumberField
from phonenumbers import (
    NumberParseException,
    PhoneNumberFormat,
    format_number,
    is_valid_number,
    parse,
)

INVALID_PHONE = _(
    "Enter a valid phone number: a French number such as 01 23 45 67 89, or a foreign "
    "number with its international prefix, such as +221 33 889 13 00."
)


class PhoneField(PhoneNumberField):
    """A phone number, France by default, with a clear message for a wrong one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("region", "FR")
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", PhoneNumberFormField)
        kwargs.setdefault("error_messages", {"invalid": INVALID_PHONE})
        return super().formfield(**kwargs)


def normalise(raw: str, region: str = "FR") -> str:
    """E.164 for a valid number; anything else is returned as it was (kept, not lost)."""
    try:
        number = parse(raw, region)
    except NumberParseException:
        return raw
    return format_number(number, PhoneNumberFormat.E164) if is_valid_number(number) else raw
