"""What follows a mission: the partner's feedback through its secret link (no account), the
embassy relaying it, and the collectivity saying what followed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import feedback as services
from ..forms_feedback import FollowUpForm, PartnerFeedbackForm
from ..models import CollectivityFollowUp
from ..permissions import can_answer_follow_up, can_relay_feedback
from .missions import _visible

REFUSALS = {
    "unknown": (404, gettext_lazy("This link is not valid")),
    "expired": (410, gettext_lazy("This link has expired")),
    "used": (410, gettext_lazy("Your answers were already received")),
}


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    status, title = REFUSALS[reason]
    context = {"reason": reason, "title": title, "breadcrumb_data": {"current": title}}
    return render(request, "missions/feedback/link_refused.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def partner_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The partner's form. The token opens its own mission's questions, nothing else."""
    try:
        feedback = services.feedback_for_token(token)
    except services.LinkRefused as refusal:
        return _refused(request, refusal.reason)
    with translation.override(feedback.language):
        form = PartnerFeedbackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.partner_answer(token=token, answers=form.cleaned_data)
            except services.LinkRefused as refusal:
                return _refused(request, refusal.reason)
            title = _("Thank you")
            context = {"title": title, "breadcrumb_data": {"current": title}}
            return render(request, "missions/feedback/thanks.html", context)
        title = _("Your opinion on the mission")
        context = {
            "form": form,
            "need": feedback.mission.request,
            "mission": feedback.mission,
            "title": title,
            "breadcrumb_data": {"current": title},
        }
        return render(request, "missions/feedback/partner_form.html", context)


def _mission_crumbs(mission, title: str) -> dict:
    links = [
        {"url": reverse("missions:mission_list"), "title": _("Missions")},
        {"url": reverse("missions:mission_detail", args=[mission.pk]), "title": str(mission)},
    ]
    return {"title": title, "breadcrumb_data": {"links": links, "current": title}}


@login_required
@require_http_methods(["GET", "POST"])
def feedback_relay(request: HttpRequest, pk: int) -> HttpResponse:
    """The embassy records the partner's answers itself."""
    mission = _visible(request.user, pk)
    if not can_relay_feedback(request.user, mission):
        raise Http404
    form = PartnerFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.embassy_relay(mission=mission, by=request.user, answers=form.cleaned_data)
        except (PermissionDenied, ValidationError) as error:
            for message in getattr(error, "messages", [str(error)]):
                messages.error(request, message)
        else:
            messages.success(request, _("The partner's answers are recorded."))
        return redirect(reverse("missions:mission_detail", args=[pk]) + "#partner-feedback")
    context = {
        "form": form,
        "mission": mission,
        **_mission_crumbs(mission, _("Record the partner's answers")),
    }
    return render(request, "missions/feedback/relay_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    mission = _visible(request.user, pk)
    follow_up = get_object_or_404(CollectivityFollowUp, mission=mission, step=step)
    follow_up.mission = mission
    if not can_answer_follow_up(request.user, follow_up):
        raise Http404
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_answer(
                follow_up=follow_up, by=request.user, answers=form.cleaned_data
            )
        except (PermissionDenied, ValidationError) as error:
            for message in getattr(error, "messages", [str(error)]):
                messages.error(request, message)
        else:
            messages.success(request, _("Thank you: DAECT will read what followed."))
        return redirect(reverse("missions:mission_detail", args=[pk]) + "#follow-up")
    title = _("What followed the mission (%(step)s)") % {"step": follow_up.get_step_display()}
    context = {
        "form": form,
        "mission": mission,
        "follow_up": follow_up,
        **_mission_crumbs(mission, title),
    }
    return render(request, "missions/feedback/follow_up_form.html", context)
