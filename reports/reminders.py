"""Reminders of the mission report, due two months after the return.

14 days and 3 days before the due date, on the day, then every week while it is
overdue, with DAECT in copy. The report is the experts' legal deadline: these
reminders cannot be switched off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.accounts.models import Membership, User
from expect.notifications.emails import absolute_url, daect_recipients
from expect.notifications.models import Reminder
from expect.notifications.planner import (
    DEADLINE,
    Recipients,
    Rows,
    Sql,
    Variant,
    both,
    not_logged,
    pairs,
)
from expect.notifications.rules import (
    Deadline,
    DeadlineRule,
    Step,
    Waiting,
    catch_up_start,
    deadline_source,
    replaced_note,
    rule,
    waiting_source,
)
from missions.models import Mission

BEFORE_STEPS = (
    Step("d-14", timedelta(days=14)),
    Step("d-3", timedelta(days=3)),
    Step("d-0", timedelta(0)),
)
WEEK = timedelta(days=7)


def awaited_missions(today: date | None = None):
    """The missions whose report is awaited (`Mission.objects.report_due`, one definition)."""
    return Mission.objects.report_due(today or timezone.localdate())


def _with_recipients(missions):
    return missions.select_related("collectivity", "request").prefetch_related(
        Prefetch("experts", queryset=User.objects.filter(is_active=True), to_attr="active_experts"),
        Prefetch(
            "collectivity__memberships",
            queryset=Membership.objects.active()
            .filter(is_referent=True, user__is_active=True)
            .select_related("user"),
            to_attr="referent_memberships",
        ),
    )


def _recipients(mission: Mission) -> tuple[User, ...]:
    """The experts of the team; the collectivity's referents if no expert is named yet."""
    if mission.active_experts:
        return tuple(mission.active_experts)
    return tuple(m.user for m in mission.collectivity.referent_memberships)


@rule
class ReportDue(DeadlineRule):
    """D-14, D-3, D-0 of the current due date, then weekly while overdue.

    Missed weekly reminders: after an outage only the current week's message goes out
    (it says how many days late the report is); the missed weeks within the catch-up
    window are logged as caught up.
    """

    kind = "reports.report_due"
    label = gettext_lazy("Mission report due: 14 and 3 days before, on the day, then weekly")
    template = "report_due"
    roles = (User.Role.EXPERT, User.Role.MEMBER)
    mandatory = True
    steps = BEFORE_STEPS
    after_last = Step("overdue-1", -WEEK)
    deadline_field = "report_due_on"  # the current due date: a moved one has its own steps

    def candidates(self, step: Step, today: date):
        return awaited_missions(today)

    def watched(self):
        return (Mission, Mission.experts.through, Membership, User)

    def recipient_sources(self):
        """The active experts of the team; the collectivity's referents if there are none."""
        team = Mission.experts.through.objects.filter(user__is_active=True)
        has_team = Exists(team.filter(mission_id=OuterRef("pk")))
        referents = Membership.objects.active().filter(is_referent=True, user__is_active=True)
        return [
            Recipients(pairs(team, "mission_id", "user_id")),
            Recipients(
                pairs(referents, "collectivity_id", "user_id"), "collectivity_id", ~has_team
            ),
        ]

    def recipients(self, mission: Mission) -> tuple[User, ...]:
        return _recipients(mission)

    def for_delivery(self, missions):
        return _with_recipients(missions)

    def statements(self, now: datetime) -> list[Rows]:
        # The weekly series reads the same missions: in the same statement.
        [rows] = super().statements(now)
        overdue = self._overdue(timezone.localdate(now))
        return [replace(rows, variants=(*rows.variants, *overdue))]

    def _overdue(self, today: date) -> list[Variant]:
        """Weekly while overdue, DAECT in copy: the step of the current week.

        The steps before the due date (logged caught up, or expired when older than the
        window) and the missed weeks within the window (older ones are not logged one
        by one: the message says how late the report is) come with it.
        """
        start = catch_up_start(today)
        # Overdue for a week at least, and no weekly row these last seven days.
        this_week = (" AND l.due_on > %s", [today - WEEK])
        overdue = both(
            (f"{DEADLINE} <= %s", [today - WEEK]),
            not_logged(self, Mission, "overdue-", this_week),
        )
        week = f"({Sql.days_since(DEADLINE)} / 7)"
        key = (f"'overdue-' || CAST({week} AS TEXT) || '@' || {Sql.date_text(DEADLINE)}", [today])
        variants = [replace(self.skipped(step, key, start), where=overdue) for step in BEFORE_STEPS]
        for missed in range(1, settings.REMINDER_CATCH_UP_DAYS // 7 + 2):
            number = f"({week} - {missed:d})"
            on = Sql.add_days(DEADLINE, f"7 * {number}")
            variants.append(
                Variant(
                    (
                        f"'overdue-' || CAST({number} AS TEXT) || '@' || {Sql.date_text(DEADLINE)}",
                        [today],
                    ),
                    (on, [today]),
                    status=Reminder.Status.CAUGHT_UP,
                    note=replaced_note(key),
                    where=overdue,
                    also=(f"{number} >= 1 AND {on} >= %s", [today, today, start]),
                )
            )
        on = (Sql.add_days(DEADLINE, f"7 * {week}"), [today])
        variants.append(Variant(key, on, cc=tuple(daect_recipients()), where=overdue))
        return variants

    def is_current(self, mission: Mission, reminder) -> bool:
        return (
            mission.state in Mission.REPORT_AWAITED_STATES
            and mission.archived_at is None
            and mission.report_due_on is not None
        )

    def context(self, mission: Mission, reminder) -> dict:
        # Told from today and the real due date, whatever the step's own date: a step
        # sent late after an outage never says "due in -6 days".
        days_left = (mission.report_due_on - timezone.localdate()).days
        return {
            "mission": mission,
            "due_on": mission.report_due_on,
            "days_left": days_left,
            "days_late": -days_left if days_left < 0 else 0,
            "overdue": days_left < 0,
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
    # Deadlines ahead, the team back or not yet (the calendar shows them in advance).
    missions = (
        Mission.objects.unarchived()
        .filter(own, state__in=Mission.REPORT_AWAITED_STATES, report_due_on__gte=start)
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
def reports_waiting() -> Iterable[Waiting]:
    from .models import MissionReport

    today = timezone.localdate()
    to_evaluate = MissionReport.objects.to_evaluate().count()
    overdue = Mission.objects.report_overdue(today).count()
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
            # The same missions as the count (`report_overdue`), started reports or not.
            absolute_url(reverse("admin:missions_mission_changelist") + "?report=overdue"),
        ),
    ]
