"""Dashboard sections: each app contributes the sections of its own objects.

An app declares them in its `dashboard.py` with the `section` decorator; the
dashboard view shows, for the signed-in user, every section whose roles include
theirs, in order. This keeps `expect.core` free of imports from domain apps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext


@dataclass(frozen=True)
class Section:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


SectionBuilder = Callable[[HttpRequest], Section | None]
_registry: list[tuple[frozenset[str], SectionBuilder]] = []


def section(roles: Iterable[str]) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register a function returning the section for a request (or None to hide it)."""

    def decorator(builder: SectionBuilder) -> SectionBuilder:
        _registry.append((frozenset(roles), builder))
        return builder

    return decorator


def sections_for(request: HttpRequest) -> list[Section]:
    role = request.user.role
    built = (builder(request) for roles, builder in _registry if role in roles)
    return sorted((s for s in built if s is not None), key=lambda s: s.order)


def autodiscover() -> None:
    autodiscover_modules("dashboard")


@section(roles=["daect"])
def saved_list_filters(request: HttpRequest) -> Section | None:
    """The instructor's saved admin list filters, to reopen in one click."""
    from .models import SavedFilter

    saved = list(SavedFilter.objects.of(request.user))
    if not saved:
        return None
    return Section(
        gettext("My saved filters"), "core/section_saved_filters.html", {"saved": saved}, order=6
    )
