"""Template tags of missions: the state badge and the public list of completed missions."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ..models import Mission

register = template.Library()

State = Mission.State
BADGE_COLOURS = {
    State.PLANNED: "new",
    State.CONFIRMED: "info",
    State.UNDER_WAY: "info",
    State.RETURNED: "success",
    State.REPORT_DUE: "warning",
    State.REPORT_SUBMITTED: "success",
    State.CLOSED: "success",
    State.CANCELLED: "error",
}


@register.simple_tag
def mission_state_badge(mission: Mission, size: str = "") -> str:
    """The DSFR badge of the mission's state; `size="sm"` for tables."""
    classes = f"fr-badge fr-badge--{BADGE_COLOURS.get(mission.state, 'info')}"
    if size == "sm":
        classes += " fr-badge--sm"
    return format_html('<span class="{}">{}</span>', classes, mission.get_state_display())
