"""The compliance status that the accessibility statement declares (RGAA 4.1).

Until an audit has been made, the RGAA requires the statement to say « non conforme ».
DAECT sets the status after an audit, with its date and (for a partial compliance) the
rate it measured, through ACCESSIBILITY_STATUS, ACCESSIBILITY_AUDIT_DATE and
ACCESSIBILITY_COMPLIANCE_RATE; an inconsistent combination stops the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured

NON_COMPLIANT = "non_compliant"
PARTIALLY_COMPLIANT = "partially_compliant"
FULLY_COMPLIANT = "fully_compliant"
STATUSES = (NON_COMPLIANT, PARTIALLY_COMPLIANT, FULLY_COMPLIANT)


@dataclass(frozen=True)
class Compliance:
    status: str
    audit_date: date | None
    rate: int | None


def _parse_date(name: str, value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a date written YYYY-MM-DD, not {value!r}."
        ) from None


def read_compliance(status: str, audit_date: str, rate: str) -> Compliance:
    """The declared compliance, checked: what the RGAA forbids raises ImproperlyConfigured."""
    if status not in STATUSES:
        raise ImproperlyConfigured(
            f"ACCESSIBILITY_STATUS must be one of {', '.join(STATUSES)}, not {status!r}."
        )
    audited = _parse_date("ACCESSIBILITY_AUDIT_DATE", audit_date)
    if status != NON_COMPLIANT and audited is None:
        raise ImproperlyConfigured(
            "Only an audit lets the statement claim compliance: set ACCESSIBILITY_AUDIT_DATE."
        )
    if audited is not None and audited > date.today():
        raise ImproperlyConfigured("ACCESSIBILITY_AUDIT_DATE cannot be in the future.")
    measured = None
    if rate:
        if not rate.isdigit() or not 0 <= int(rate) <= 100:
            raise ImproperlyConfigured("ACCESSIBILITY_COMPLIANCE_RATE is a percentage, 0 to 100.")
        measured = int(rate)
    if status == PARTIALLY_COMPLIANT and measured is None:
        raise ImproperlyConfigured(
            "A partial compliance states the rate the audit measured: set "
            "ACCESSIBILITY_COMPLIANCE_RATE."
        )
    if status == FULLY_COMPLIANT and measured not in (None, 100):
        raise ImproperlyConfigured("A full compliance means a rate of 100 %.")
    return Compliance(status, audited, measured)
