"""Generations of the public record: one counter per kind of derived content.

What the public side shows (the library, the catalogue, the figures and maps, the
booklets, the API's lists) is computed from the record and cached under a key that
carries the current generation of what it depends on. Anything that changes that
content bumps the generation once its transaction commits, so the next request
computes afresh and the old entries simply age out: no cache key ever needs to be
listed or deleted.

A missing counter (a cache restarted or evicted) starts again from the clock in
milliseconds, never from 1, so a new counter cannot meet an entry of an old one.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

LIBRARY = "library"  # published reports: library, booklets, report pages
CATALOGUE = "catalogue"  # labels in force, labelled collectivities and their pages
FIGURES = "figures"  # the programme's figures, maps and time series
ALL = (LIBRARY, CATALOGUE, FIGURES)

_PREFIX = "generation:"


def _fresh() -> int:
    return int(time.time() * 1000)


def current(name: str) -> int:
    """The generation of `name` now (created on first use)."""
    key = _PREFIX + name
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh(), timeout=None)
        value = cache.get(key) or _fresh()
    return int(value)


def current_many(names: tuple[str, ...]) -> dict[str, int]:
    """The generations of `names` in one round trip to the cache (the pages' hot path)."""
    found = cache.get_many([_PREFIX + name for name in names]) if names else {}
    return {
        name: int(found[_PREFIX + name]) if _PREFIX + name in found else current(name)
        for name in names
    }


def key(name: str, *parts: object) -> str:
    """A cache key for content of `name` at its current generation."""
    suffix = ":".join(str(part) for part in parts)
    return f"{name}:{current(name)}:{suffix}"


def bump_now(*names: str) -> None:
    for name in names:
        try:
            cache.incr(_PREFIX + name)
        except ValueError:  # no counter yet, or evicted: start from the clock
            cache.set(_PREFIX + name, _fresh(), timeout=None)


def bump(*names: str) -> None:
    """Move `names` to a new generation once the current transaction commits."""
    transaction.on_commit(lambda: bump_now(*names))


# What each step of the record changes on the public side. A verb not listed here
# (a message, an internal note, an assignment) changes nothing public.
_BY_VERB_PREFIX = {
    "application.granted": (CATALOGUE, FIGURES),
    "label.": (CATALOGUE, FIGURES),
    "request.": (FIGURES,),
    "proposal.accepted": (FIGURES,),
    "mission.": (CATALOGUE, FIGURES),
    "report.published": (LIBRARY, CATALOGUE, FIGURES),
    "report.unpublished": (LIBRARY, CATALOGUE, FIGURES),
    "report.accepted": (FIGURES,),
    "report.submitted": (FIGURES,),
}


def for_verb(verb: str) -> tuple[str, ...]:
    """The generations a recorded step of `verb` moves on."""
    names: list[str] = []
    for prefix, affected in _BY_VERB_PREFIX.items():
        if verb == prefix or (prefix.endswith(".") and verb.startswith(prefix)):
            names.extend(name for name in affected if name not in names)
    return tuple(names)


def on_event_saved(sender, instance, created: bool, **kwargs) -> None:
    """`post_save` of `core.Event`: bump what the new step changes (on commit)."""
    if created and (names := for_verb(instance.verb)):
        bump(*names)


def follow(model, *names: str, when=None) -> None:
    """Bump `names` whenever a row of `model` is saved or deleted (when `when(row)` holds).

    For the public content that changes without a recorded step: a collectivity's
    profile, a theme's name, a label's dates corrected in the back office.
    """
    from django.db.models.signals import post_delete, post_save

    def changed(sender, instance, **kwargs) -> None:
        if kwargs.get("raw"):  # fixtures loading
            return
        if when is None or when(instance):
            bump(*names)

    uid = f"generations:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
