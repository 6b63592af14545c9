"""Template tags of the public side: a collectivity's missions with their published
reports and the partner's feedback, and the way from a report to its collectivity."""

from __future__ import annotations

from django import template
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from expect.organisations.models import Collectivity
from labellisation.filters import labelled_collectivities
from missions.models import Mission

from ..models import MissionReport

register = template.Library()


@register.inclusion_tag("reports/public/_collectivity_missions.html")
def collectivity_missions(collectivity: Collectivity) -> dict:
    """The collectivity's missions whose team came back, for its public page: one query.

    Public: the country, the theme, the year, the link to the report once DAECT has
    published it, and the foreign partner's answers to the closed questions (was the
    need met, three ratings from 1 to 5). Private: the team, the budget, the partner's
    comments and next steps (written to DAECT, not for publication), its address and
    who relayed its answers.
    """
    published = MissionReport.objects.published().filter(mission=OuterRef("pk"))
    missions = (
        collectivity.missions.unarchived()
        .filter(state__in=Mission.BACK_STATES)
        .select_related("request__theme", "partner_feedback")
        .annotate(published_report=Subquery(published.values("pk")[:1]))
        .order_by("-return_date", "-pk")
    )
    return {"missions": missions}


@register.simple_tag
def public_collectivity_url(collectivity: Collectivity) -> str:
    """The collectivity's public page, or "" when it has none (no label valid today)."""
    labelled = labelled_collectivities(timezone.localdate()).prefetch_related(None)
    if labelled.filter(pk=collectivity.pk).exists():
        return reverse("labellisation:collectivity_detail", args=[collectivity.pk])
    return ""
