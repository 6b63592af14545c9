"""Dashboard sections of mission reports: what is due, what to read, what to evaluate."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core import desk
from expect.core.dashboard import Section, section
from missions.models import Mission

from .models import MissionReport

SHOWN = 10  # rows per table
HANDED_IN_STATES = (
    MissionReport.State.SUBMITTED,
    MissionReport.State.REVISION_REQUESTED,
    MissionReport.State.ACCEPTED,
)


def _own_missions(user: User) -> QuerySet[Mission]:
    """The missions of the user's collectivity, and those they are an expert of."""
    return Mission.objects.filter(
        Q(pk__in=Mission.objects.visible_to(user).values("pk"))
        | Q(pk__in=user.missions.values("pk"))
    )


def _due_row(mission: Mission, today: date) -> dict:
    days_left = MissionReport(mission=mission).days_left(today)
    late = days_left is not None and days_left < 0
    return {"mission": mission, "days_left": days_left, "days_late": -days_left if late else None}


@section(roles=[User.Role.EXPERT, User.Role.MEMBER])
def reports_due(request: HttpRequest) -> Section | None:
    user = request.user
    today = timezone.localdate()
    missions = (
        _own_missions(user)
        .report_due(today)
        .select_related("collectivity", "request__theme")
        .order_by("report_due_on", "pk")
    )
    count = missions.count()
    if user.collectivity is None and not count:
        return None
    # The report may not be started yet: its deadline runs all the same.
    rows = [_due_row(mission, today) for mission in missions[:SHOWN]]
    context = {"rows": rows, "count": count}
    return Section(_("Mission reports"), "reports/section_due.html", context, order=40)


@section(roles=[User.Role.EMBASSY])
def reports_to_read(request: HttpRequest) -> Section | None:
    user = request.user
    if not user.is_embassy_agent:
        return None
    reports = (
        MissionReport.objects.visible_to(user)
        .filter(state__in=HANDED_IN_STATES)
        .select_related("mission__collectivity", "mission__request__theme")
        .annotate(comment_count=Count("comments"))
        .order_by("-submitted_at", "pk")
    )
    count = reports.count()
    if not count:
        return None  # nothing to read before a report of its countries is handed in
    context = {"reports": reports[:SHOWN], "count": count}
    return Section(_("Mission reports"), "reports/section_embassy.html", context, order=40)


@section(roles=[User.Role.DAECT])
def reports_to_evaluate(request: HttpRequest) -> Section:
    today = timezone.localdate()
    context = {
        "to_evaluate": MissionReport.objects.to_evaluate().count(),
        # Started or not: an unstarted report's mission is overdue all the same.
        "overdue": Mission.objects.report_overdue(today).count(),
    }
    return Section(_("Mission reports"), "reports/section_daect.html", context, order=40)


@section(roles=[User.Role.DAECT])
def my_reports(request: HttpRequest) -> Section:
    """The instructor's own reports, per step, with the late ones (the admin's deadline)."""
    return desk.queue_section(
        _("My queue: mission reports"),
        MissionReport,
        request.user,
        MissionReport.State.values,
        late_params={"deadline": "overdue"},
    )
