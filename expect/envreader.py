"""Typed, strict readers of the environment for the settings.

A switch that reads "treu" is a typo, not "false": each reader refuses any value it
does not know and stops the start with a message naming the variable (as
healthchecks' `envbool` does). An unset or empty variable takes its default.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of "
        f"{', '.join(sorted(TRUE))} or {', '.join(sorted(FALSE))}."
    )


def env_int(name: str, default: int, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    # isascii: int() would also take "٣", "1_000" or " 12 "; a setting is plain digits.
    digits = value[1:] if value.startswith("-") else value
    if not (digits.isascii() and digits.isdigit()):
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.")
    number = int(value)
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is below its minimum, {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={value!r} is above its maximum, {maximum}.")
    return number


def env_str(name: str, default: str = "") -> str:
    """A text value, stripped; unset or empty gives the default."""
    value = _raw(name)
    return default if value is None else value


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def env_url(name: str, default: str = "") -> str:
    """An absolute https URL without trailing slash; plain http only on loopback (tests).

    An identity provider's address in clear text would let anyone on the way read the
    tokens: "http://proconnect…" is refused, as is any value that is not a URL.
    """
    from urllib.parse import urlsplit

    value = _raw(name)
    if value is None:
        return default
    parts = urlsplit(value)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
    )
    if not parts.hostname or not secure or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an https URL (plain http is only allowed on loopback)."
        )
    return value.rstrip("/")
