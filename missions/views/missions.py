"""The missions a person may follow on the portal, and the mission sheet for the travel order.

DAECT sees every mission; an embassy agent, those of its countries; a member, those of
their collectivity; an expert, also the missions they are named on. Anyone else gets
a 404, so that nobody learns that a mission exists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from expect.accounts.models import User
from expect.core.pdf import pdf_response, render_pdf, stored_pdf

from ..models import Mission, PartnerFeedback
from ..permissions import can_read_brief, can_relay_feedback, is_member_of

PAGE_SIZE = 30
State = Mission.State


def visible_missions(user: User) -> QuerySet[Mission]:
    """`Mission.objects.visible_to`, plus the missions the user is an expert of."""
    visible = Mission.objects.visible_to(user)
    if user.is_daect:
        return visible
    # Subqueries rather than a join on the team: one row per mission, however many experts.
    return Mission.objects.filter(
        Q(pk__in=visible.values("pk")) | Q(pk__in=user.missions.values("pk"))
    )


def _visible(user: User, pk: int) -> Mission:
    missions = visible_missions(user).select_related(
        "collectivity", "request__theme", "request__embassy", "request__working_language"
    )
    return get_object_or_404(missions.prefetch_related("experts", "budget_lines"), pk=pk)


def mission_reference(mission: Mission) -> str:
    """The number quoted on the travel order and in exchanges with DAECT (kept for callers)."""
    return mission.reference


def _crumbs(title: str, mission: Mission | None = None) -> dict:
    if mission is None:
        return {"title": title, "breadcrumb_data": {"current": title}}
    links = [{"url": reverse("missions:mission_list"), "title": _("Missions")}]
    return {"title": title, "breadcrumb_data": {"links": links, "current": title}}


def _history(user: User, mission: Mission) -> list:
    """The mission's timeline; its owners (team, collectivity, embassy) read the public events.

    The need's earlier life is not part of it: it names the other collectivities the
    need was proposed to, and their reasons.
    """
    events = mission.events.timeline()
    if not user.is_daect:
        events = events.public()
    return list(events)


def _brief_documents(user: User, need) -> list | None:
    """The need's documents, or None for whoever may not read the brief."""
    return list(need.attachments.all()) if can_read_brief(user, need) else None


def _what_followed(user: User, mission: Mission) -> dict:
    """The partner's feedback and the collectivity's follow-ups, for the mission page."""
    feedback = PartnerFeedback.objects.filter(mission=mission).first()
    answered = feedback is not None and feedback.is_answered
    follow_ups = list(mission.follow_ups.order_by("step"))
    member = is_member_of(user, mission.collectivity_id)
    return {
        "partner_feedback": feedback if answered else None,
        "feedback_pending": feedback is not None and not answered,
        "can_relay_feedback": (
            mission.is_back and not answered and can_relay_feedback(user, mission)
        ),
        "follow_ups": follow_ups,
        "can_answer_follow_ups": member,
    }


def _duration_days(mission: Mission) -> int | None:
    """Days abroad, the departure and return days included."""
    if not (mission.departure_date and mission.return_date):
        return None
    return (mission.return_date - mission.departure_date).days + 1


def _report_countdown(mission: Mission) -> int | None:
    """Days left before the report is due (negative once late), while it is awaited."""
    waiting = mission.state not in (State.REPORT_SUBMITTED, State.CLOSED, State.CANCELLED)
    if not (waiting and mission.report_due_on):
        return None
    return (mission.report_due_on - timezone.localdate()).days


@login_required
@require_GET
def mission_list(request: HttpRequest) -> HttpResponse:
    missions = (
        visible_missions(request.user).unarchived().select_related("collectivity", "request__theme")
    )
    page = Paginator(missions, PAGE_SIZE).get_page(request.GET.get("page"))
    page.pages_list = list(page.paginator.get_elided_page_range(page.number, on_each_side=2))
    context = {"missions": page.object_list, "page_obj": page, **_crumbs(_("Missions"))}
    return render(request, "missions/mission_list.html", context)


@login_required
@require_GET
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _visible(request.user, pk)
    days_left = _report_countdown(mission)
    context = {
        "mission": mission,
        "need": mission.request,
        "reference": mission_reference(mission),
        "duration_days": _duration_days(mission),
        "days_left": days_left,
        "days_late": -days_left if days_left is not None and days_left < 0 else None,
        "history": _history(request.user, mission),
        "brief_documents": _brief_documents(request.user, mission.request),
        **_what_followed(request.user, mission),
        **_crumbs(str(mission), mission),
    }
    return render(request, "missions/mission_detail.html", context)


@login_required
@require_GET
def mission_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _visible(request.user, pk)
    reference = mission_reference(mission)
    context = {
        "mission": mission,
        "need": mission.request,
        "reference": reference,
        "duration_days": _duration_days(mission),
        "issued_on": timezone.localdate(),
    }
    pdf = _sheet_pdf(request, mission, context)
    return pdf_response(pdf, f"fiche-mission-{reference}-{mission.collectivity.name}")


def _sheet_pdf(request: HttpRequest, mission: Mission, context: dict) -> bytes:
    """A planned mission's sheet changes often: rendered each time. Once confirmed, it is
    rendered once and kept until its dates, team or budget change."""
    template = "missions/pdf/mission_sheet.html"
    if mission.state in (State.PLANNED, State.CANCELLED):
        return render_pdf(template, context, request=request)
    folder = f"missions/{mission.pk}/sheet"
    return stored_pdf(folder, template, context, request=request, volatile=("issued_on",))
