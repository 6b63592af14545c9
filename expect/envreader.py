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
