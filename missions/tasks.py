"""Periodic jobs of missions; each task takes ids or nothing and calls a service."""

from __future__ import annotations

from celery import shared_task

from . import feedback, services


@shared_task(name="missions.advance_on_calendar")
def advance_on_calendar() -> dict[str, int]:
    """Confirmed missions go under way on departure and come back on the return date."""
    return services.advance_missions_on_calendar()


@shared_task(name="missions.what_followed")
def what_followed() -> dict[str, int]:
    """Ask the partners' feedback, remind them once, ask the collectivities what followed."""
    return feedback.sweep()
