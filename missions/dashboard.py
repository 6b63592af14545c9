"""Dashboard sections of needs, proposals and missions, for each role that has some."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core import desk
from expect.core.dashboard import Section, section

from .models import Mission, MissionProposal, MissionRequest

SHOWN = 10  # rows per table; the full lists are one click away


@section(roles=[User.Role.EMBASSY])
def embassy_needs(request: HttpRequest) -> Section | None:
    user = request.user
    if not user.is_embassy_agent:
        return None
    # A discarded (archived) draft leaves the lists, here as on the needs page.
    needs = MissionRequest.objects.visible_to(user).unarchived().select_related("theme")
    context = {"needs": needs[:SHOWN], "count": needs.count()}
    return Section(
        _("Needs of foreign authorities"), "missions/needs/section_needs.html", context, order=20
    )


def _missions_context(missions) -> dict:
    rows = missions.select_related("collectivity", "request__theme")
    return {"missions": rows[:SHOWN], "count": rows.count()}


@section(roles=[User.Role.EMBASSY])
def embassy_missions(request: HttpRequest) -> Section | None:
    if not request.user.is_embassy_agent:
        return None
    context = {**_missions_context(Mission.objects.visible_to(request.user)), "show_country": True}
    return Section(
        _("Missions in your countries"), "missions/needs/section_missions.html", context, order=30
    )


@section(roles=[User.Role.MEMBER, User.Role.EXPERT])
def collectivity_missions(request: HttpRequest) -> Section | None:
    user = request.user
    # An expert follows the missions they are on; a member, all of the collectivity's.
    if user.role == User.Role.EXPERT:
        missions = user.missions.all()
        if user.collectivity is None and not missions.exists():
            return None
    elif user.collectivity is None:
        return None
    else:
        missions = Mission.objects.visible_to(user)
    context = {**_missions_context(missions), "show_country": True}
    return Section(_("Missions"), "missions/needs/section_missions.html", context, order=30)


@section(roles=[User.Role.MEMBER])
def open_proposals(request: HttpRequest) -> Section | None:
    collectivity = request.user.collectivity
    if collectivity is None:
        return None
    proposals = (
        MissionProposal.objects.filter(collectivity=collectivity, state=MissionProposal.State.OPEN)
        .exclude(request__state__in=MissionRequest.CLOSED_STATES)
        .select_related("request__theme")
        .order_by("response_deadline", "pk")
    )
    return Section(
        _("Mission proposals"),
        "missions/needs/section_proposals.html",
        {"proposals": proposals},
        order=25,
    )


@section(roles=[User.Role.DAECT])
def needs_to_qualify(request: HttpRequest) -> Section:
    submitted = MissionRequest.objects.filter(state=MissionRequest.State.SUBMITTED)
    return Section(
        _("Needs to qualify"),
        "missions/needs/section_daect_needs.html",
        {"count": submitted.count()},
        order=30,
    )


@section(roles=[User.Role.DAECT])
def acceptances_to_confirm(request: HttpRequest) -> Section:
    accepted = MissionProposal.objects.filter(
        state=MissionProposal.State.ACCEPTED, request__state=MissionRequest.State.MATCHED
    )
    return Section(
        _("Acceptances to confirm"),
        "missions/needs/section_daect_acceptances.html",
        {"count": accepted.count()},
        order=31,
    )


@section(roles=[User.Role.DAECT])
def my_needs(request: HttpRequest) -> Section:
    """The instructor's own needs, per step, with the late ones."""
    State = MissionRequest.State
    steps = [State.SUBMITTED, State.INFO_REQUESTED, State.QUALIFIED, State.PROPOSED, State.MATCHED]
    return desk.queue_section(_("My queue: needs"), MissionRequest, request.user, steps)


@section(roles=[User.Role.DAECT])
def my_missions(request: HttpRequest) -> Section:
    """The instructor's own missions, per step, with those whose report is late."""
    State = Mission.State
    steps = [
        State.PLANNED,
        State.CONFIRMED,
        State.UNDER_WAY,
        State.RETURNED,
        State.REPORT_DUE,
        State.REPORT_SUBMITTED,
    ]
    return desk.queue_section(_("My queue: missions"), Mission, request.user, steps)
