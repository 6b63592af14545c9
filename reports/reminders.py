"""Reminders of the mission report, due two months after the return.

14 days and 3 days before the due date, on the day, then every week while it is
overdue, with DAECT in copy. The report is the experts' legal deadline: these
reminders cannot be switched off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.accounts.models import Membership, User
from expect.notifications.emails import absolute_url, daect_recipients
from expect.notifications.rules import (
    Deadline,
    Due,
    Rule,
    Waiting,
    catch_up_start,
    deadline_source,
    rule,
    waiting_source,
)
from missions.models import Mission

# The report is awaited from the return until it is handed in (and again once sent back).
AWAITED_STATES = (
    Mission.State.CONFIRMED,
    Mission.State.UNDER_WAY,
    Mission.State.RETURNED,
    Mission.State.REPORT_DUE,
)
BEFORE_STEPS = (("d-14", 14), ("d-3", 3), ("d-0", 0))


def awaited_missions():
    return Mission.objects.filter(
        state__in=AWAITED_STATES, report_due_on__isnull=False, archived_at__isnull=True
    )


def _with_recipients(missions):
    return missions.select_related("collectivity", "request").prefetch_related(
        Prefetch("experts", queryset=User.objects.filter(is_active=True), to_attr="active_experts"),
        Prefetch(
            "collectivity__memberships",
            queryset=Membership.objects.active().filter(is_referent=True).select_related("user"),
            to_attr="referent_memberships",
        ),
    )


def _recipients(mission: Mission) -> tuple[User, ...]:
    """The experts of the team; the collectivity's referents if no expert is named yet."""
    if mission.active_experts:
        return tuple(mission.active_experts)
    return tuple(m.user for m in mission.collectivity.referent_memberships)


@rule
class ReportDue(Rule):
    kind = "reports.report_due"
    label = gettext_lazy("Mission report due: 14 and 3 days before, on the day, then weekly")
    template = "report_due"
    roles = (User.Role.EXPERT, User.Role.MEMBER)
    mandatory = True

    def due(self, now: datetime) -> Iterable[Due]:
        today = timezone.localdate(now)
        start = catch_up_start(today)
        for step, days in BEFORE_STEPS:
            missions = self.not_yet_logged(
                awaited_missions().filter(
                    report_due_on__range=(
                        start + timedelta(days=days),
                        today + timedelta(days=days),
                    )
                ),
                step,
            )
            for mission in _with_recipients(missions):
                on = mission.report_due_on - timedelta(days=days)
                yield Due(mission, step, on, users=_recipients(mission))
        yield from self._overdue(today)

    def _overdue(self, today: date) -> Iterable[Due]:
        """Weekly while overdue: the step of the current week (a missed week is caught up
        by the current one, never sent twice)."""
        missions = list(
            _with_recipients(awaited_missions().filter(report_due_on__lte=today - timedelta(7)))
        )
        if not missions:
            return
        logged = self.logged_steps(Mission, (m.pk for m in missions))
        copy = tuple(daect_recipients())
        for mission in missions:
            week = (today - mission.report_due_on).days // 7
            step = f"overdue-{week}"
            if (mission.pk, step) in logged:
                continue
            on = mission.report_due_on + timedelta(weeks=week)
            yield Due(mission, step, on, users=_recipients(mission), cc=copy)

    def is_current(self, mission: Mission, reminder) -> bool:
        return mission.state in AWAITED_STATES and mission.report_due_on is not None

    def context(self, mission: Mission, reminder) -> dict:
        today = timezone.localdate()
        days_left = (mission.report_due_on - today).days
        return {
            "mission": mission,
            "due_on": mission.report_due_on,
            "days_left": days_left,
            "days_late": -days_left if days_left < 0 else 0,
            "overdue": reminder.step.startswith("overdue"),
            "url": absolute_url(reverse("reports:report_detail", args=[mission.pk])),
        }


@deadline_source
def report_deadlines(user: User, start: date) -> Iterable[Deadline]:
    """The reports the user must hand in (expert on the team, or referent of the collectivity)."""
    if not user.is_authenticated:
        return []
    own = Q(experts=user)
    membership = user.active_membership
    if membership is not None and membership.is_referent:
        own |= Q(collectivity_id=membership.collectivity_id)
    missions = (
        awaited_missions()
        .filter(own, report_due_on__gte=start)
        .select_related("collectivity", "request")
        .distinct()
    )
    return [
        Deadline(
            uid=f"report-{mission.pk}",
            on=mission.report_due_on,
            title=_("Mission report due: %(mission)s") % {"mission": mission},
            description=_("Hand in the report of the mission within two months of the return."),
            url=absolute_url(reverse("reports:report_detail", args=[mission.pk])),
            kind=ReportDue.kind,
        )
        for mission in missions
    ]


@waiting_source
def reports_waiting(user: User) -> Iterable[Waiting]:
    from .models import MissionReport

    today = timezone.localdate()
    to_evaluate = MissionReport.objects.filter(state=MissionReport.State.SUBMITTED).count()
    overdue = awaited_missions().filter(report_due_on__lt=today).count()
    changelist = reverse("admin:reports_missionreport_changelist")
    return [
        Waiting(
            _("Reports to evaluate"),
            to_evaluate,
            absolute_url(f"{changelist}?state__exact=submitted"),
        ),
        Waiting(
            _("Overdue reports"),
            overdue,
            absolute_url(reverse("admin:missions_mission_changelist") + "?state__exact=report_due"),
        ),
    ]
