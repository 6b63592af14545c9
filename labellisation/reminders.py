"""Reminders of the labellisation: label expiry, committee deadlines, answers awaited.

- label: 6, 3 and 1 month before the end of its validity (invite to renew), and on
  expiry, when the sweep makes it expired;
- committee: the applicants with a draft, 10 and 3 days before the deadline;
- more information requested of the applicants, and opinions asked, unanswered
  after 7 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, Min, OuterRef, Prefetch
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.accounts.models import Membership, User
from expect.notifications.emails import absolute_url
from expect.notifications.models import Reminder
from expect.notifications.planner import Recipients, pairs
from expect.notifications.rules import (
    AnswerAwaited,
    Deadline,
    DeadlineRule,
    Due,
    Rule,
    Step,
    Waiting,
    after,
    catch_up_start,
    deadline_source,
    next_day,
    personal_waiting_source,
    rule,
    step_key,
    waiting_source,
)

from . import services
from .models import ApplicationEvent, CommitteeSession, Label, LabelApplication, Opinion

State = LabelApplication.State
ANSWER_DELAY = timedelta(days=7)
EXPIRY_STEPS = (
    Step("m-6", relativedelta(months=6)),
    Step("m-3", relativedelta(months=3)),
    Step("m-1", relativedelta(months=1)),
    # The day after the last valid day: the sweep's prepare made the label expired.
    Step("expired", -timedelta(days=1)),
)
COMMITTEE_STEPS = (Step("d-10", timedelta(days=10)), Step("d-3", timedelta(days=3)))
# A renewal on its way makes the invitations to renew pointless. A granted one is not
# "on its way": it moved the end of validity, and the new cycle has its own steps.
RENEWAL_STATES = (
    State.SUBMITTED,
    State.IN_REVIEW,
    State.INFO_REQUESTED,
    State.RESUBMITTED,
    State.SCHEDULED,
)


def followers():
    """The confirmed members (experts excepted) of a collectivity follow its dossiers."""
    return Membership.objects.active().filter(user__role=User.Role.MEMBER, user__is_active=True)


def members_prefetch(path: str) -> Prefetch:
    """The `followers` of the collectivity at `path`, for `members`."""
    return Prefetch(
        f"{path}memberships",
        queryset=followers().select_related("user"),
        to_attr="member_memberships",
    )


def members(collectivity) -> tuple[User, ...]:
    """The followers of a collectivity fetched with `members_prefetch`."""
    return tuple(m.user for m in collectivity.member_memberships)


def _renewal_under_way():
    """Another application on the label's theme, made since the label was granted."""
    return LabelApplication.objects.filter(
        collectivity_id=OuterRef("collectivity_id"),
        theme_id=OuterRef("theme_id"),
        state__in=RENEWAL_STATES,
        created_at__date__gte=OuterRef("granted_on"),
    ).exclude(pk=OuterRef("application_id"))


@rule
class LabelExpiry(DeadlineRule):
    kind = "labellisation.label_expiry"
    label = gettext_lazy("Label expiry: 6, 3 and 1 month before, and on expiry")
    template = "label_expiry"
    roles = (User.Role.MEMBER,)
    mandatory = True
    steps = EXPIRY_STEPS
    deadline_field = "valid_until"  # of this cycle: a renewal moves it, new steps follow

    def prepare(self, now: datetime) -> None:
        services.expire_labels(timezone.localdate(now))

    def candidate_group(self, step: Step) -> str:
        return "expired" if step.name == "expired" else "in force"

    def candidates(self, step: Step, today: date):
        labels = Label.objects.filter(archived_at__isnull=True)
        if step.name == "expired":
            return labels.filter(state__in=(Label.State.ACTIVE, Label.State.EXPIRED))
        return labels.filter(state=Label.State.ACTIVE).exclude(Exists(_renewal_under_way()))

    def watched(self):
        return (Label, LabelApplication, Membership, User)

    def recipient_sources(self):
        return [Recipients(pairs(followers(), "collectivity_id", "user_id"), "collectivity_id")]

    def recipients(self, label: Label) -> tuple[User, ...]:
        return members(label.collectivity)

    def for_delivery(self, labels):
        return (
            labels.select_related("collectivity", "theme")
            .prefetch_related(members_prefetch("collectivity__"))
            .annotate(renewing=Exists(_renewal_under_way()))
        )

    def is_current(self, label: Label, reminder) -> bool:
        if reminder.step.startswith("expired@"):
            return label.state in (Label.State.ACTIVE, Label.State.EXPIRED)
        return label.state == Label.State.ACTIVE and not label.renewing

    def context(self, label: Label, reminder) -> dict:
        return {
            "label": label,
            "expired": reminder.step.startswith("expired@"),
            "valid_until": label.valid_until,
            "days_left": (label.valid_until - timezone.localdate()).days,
            "url": absolute_url(reverse("labellisation:application_create")),
        }


@rule
class CommitteeDeadline(Rule):
    """The deadline is the next committee's application deadline: a moved deadline or the
    following committee has steps of its own."""

    kind = "labellisation.committee_deadline"
    label = gettext_lazy("Committee application deadline, for a draft: 10 and 3 days before")
    template = "committee_deadline"
    roles = (User.Role.MEMBER,)

    def due(self, now: datetime) -> Iterable[Due]:
        today = timezone.localdate(now)
        committee = services.next_committee(today)
        if committee is None:
            return
        deadline = committee.application_deadline
        drafts = self._drafts().prefetch_related(members_prefetch("collectivity__"))
        # Only the latest step whose date has come: after an outage, D-3 and not D-10.
        due_steps = [step for step in COMMITTEE_STEPS if step.on(deadline) <= today]
        if not due_steps:
            return
        step, earlier = due_steps[-1], due_steps[:-1]
        on = step.on(deadline)
        candidates = self.not_yet_logged(
            drafts.filter(created_at__date__lte=on), self._key(committee, step)
        )
        for application in candidates:
            yield Due(
                application,
                self._key(committee, step),
                on,
                users=members(application.collectivity),
                deadline=deadline,
                status=Reminder.Status.EXPIRED if on < catch_up_start(today) else None,
                earlier=tuple((self._key(committee, s), s.on(deadline)) for s in earlier),
            )

    def watched(self):
        return (LabelApplication, CommitteeSession, Membership, User)

    def next_due(self, now: datetime) -> datetime:
        return next_day(now)

    def _drafts(self):
        return LabelApplication.objects.filter(
            state=State.DRAFT, archived_at__isnull=True
        ).select_related("collectivity", "theme")

    @staticmethod
    def _key(committee: CommitteeSession, step: Step) -> str:
        return step_key(f"c{committee.pk}-{step.name}", committee.application_deadline)

    @staticmethod
    def _committee_pk(reminder) -> str:
        return reminder.step.split("-")[0].removeprefix("c")

    def prepare_batch(self, applications, rows) -> None:
        """The committees of the batch's rows, in one query."""
        committees = CommitteeSession.objects.in_bulk(
            {int(self._committee_pk(row)) for row in rows if self._committee_pk(row).isdigit()}
        )
        for row in rows:
            pk = self._committee_pk(row)
            row.committee_session = committees.get(int(pk)) if pk.isdigit() else None

    def _committee(self, reminder) -> CommitteeSession | None:
        if hasattr(reminder, "committee_session"):
            return reminder.committee_session
        return CommitteeSession.objects.filter(pk=self._committee_pk(reminder)).first()

    def for_delivery(self, applications):
        return applications.select_related("collectivity", "theme").prefetch_related(
            members_prefetch("collectivity__")
        )

    def recipients(self, application: LabelApplication) -> tuple[User, ...]:
        return members(application.collectivity)

    def is_current(self, application: LabelApplication, reminder) -> bool:
        committee = self._committee(reminder)
        return (
            application.state == State.DRAFT
            and committee is not None
            and committee.application_deadline == reminder.deadline
            and committee.application_deadline >= timezone.localdate()
        )

    def context(self, application: LabelApplication, reminder) -> dict:
        committee = self._committee(reminder)
        return {
            "application": application,
            "committee": committee,
            "deadline": committee.application_deadline,
            "days_left": (committee.application_deadline - timezone.localdate()).days,
            "url": absolute_url(reverse("labellisation:application_detail", args=[application.pk])),
        }


@rule
class InformationAwaited(AnswerAwaited):
    kind = "labellisation.info_awaited"
    label = gettext_lazy("More information requested on an application, unanswered after 7 days")
    template = "info_awaited"
    roles = (User.Role.MEMBER,)
    event_field = "application"
    context_name = "application"

    def awaiting(self):
        return LabelApplication.objects.filter(state=State.INFO_REQUESTED, archived_at__isnull=True)

    def requests(self):
        return ApplicationEvent.objects.filter(
            kind=ApplicationEvent.Kind.TRANSITION, to_state=State.INFO_REQUESTED
        ).order_by("-at", "-pk")

    def with_recipients(self, applications):
        return applications.select_related("collectivity", "theme").prefetch_related(
            members_prefetch("collectivity__")
        )

    def recipients(self, application: LabelApplication) -> tuple[User, ...]:
        return members(application.collectivity)

    def url(self, application: LabelApplication) -> str:
        return absolute_url(reverse("labellisation:application_detail", args=[application.pk]))


@rule
class OpinionAwaited(Rule):
    kind = "labellisation.opinion_awaited"
    label = gettext_lazy("Opinion asked of you, not given after 7 days")
    template = "opinion_awaited"
    roles = (User.Role.DAECT, User.Role.EMBASSY, User.Role.MEMBER, User.Role.EXPERT)

    def due(self, now: datetime) -> Iterable[Due]:
        start = catch_up_start(timezone.localdate(now))
        opinions = (
            Opinion.objects.awaited()
            .filter(
                requested_at__lte=now - ANSWER_DELAY,
            )
            .annotate(requested_on=TruncDate("requested_at"))
            .exclude(Exists(self.logged(Opinion, deadline=OuterRef("requested_on"))))
        )
        opinions = opinions.select_related(
            "requested_from", "application__collectivity", "application__theme"
        )
        for opinion in opinions:
            asked_on = timezone.localdate(opinion.requested_at)
            on = timezone.localdate(opinion.requested_at + ANSWER_DELAY)
            yield Due(
                opinion,
                step_key("d+7", asked_on),
                on,
                users=(opinion.requested_from,),
                deadline=asked_on,
                status=Reminder.Status.EXPIRED if on < start else None,
            )

    def watched(self):
        return (Opinion, LabelApplication, User)

    def next_due(self, now: datetime) -> datetime | None:
        """The next opinion asked to come to its seventh day."""
        waiting = Opinion.objects.awaited().filter(requested_at__gt=now - ANSWER_DELAY)
        return after(waiting.aggregate(first=Min("requested_at"))["first"], ANSWER_DELAY)

    def for_delivery(self, opinions):
        return opinions.select_related(
            "requested_from", "application__collectivity", "application__theme"
        )

    def current_deadline(self, opinion: Opinion):
        return timezone.localdate(opinion.requested_at)

    def recipients(self, opinion: Opinion) -> tuple[User, ...]:
        return (opinion.requested_from,)

    def is_current(self, opinion: Opinion, reminder) -> bool:
        return (
            not opinion.is_given
            and not opinion.is_withdrawn
            and opinion.application.state in services.OPINION_STATES
        )

    def context(self, opinion: Opinion, reminder) -> dict:
        return {
            "opinion": opinion,
            "application": opinion.application,
            "url": absolute_url(reverse("labellisation:opinion_give", args=[opinion.pk])),
        }


@deadline_source
def label_deadlines(user: User, start: date) -> Iterable[Deadline]:
    """The end of validity of the labels of the user's collectivity."""
    membership = user.active_membership if user.is_authenticated else None
    if membership is None or user.role != User.Role.MEMBER:
        return []
    labels = Label.objects.filter(
        collectivity_id=membership.collectivity_id,
        state__in=Label.CURRENT_STATES,
        valid_until__gte=start,
    ).select_related("theme")
    return [
        Deadline(
            uid=f"label-{label.pk}",
            on=label.valid_until,
            title=_("Label expires: %(theme)s") % {"theme": label.theme},
            description=_("Apply for the renewal in time to keep the label without a gap."),
            url=absolute_url(reverse("labellisation:application_create")),
            kind=LabelExpiry.kind,
        )
        for label in labels
    ]


@deadline_source
def committee_deadlines(user: User, start: date) -> Iterable[Deadline]:
    """The next committee's application deadline, while the collectivity has a draft."""
    membership = user.active_membership if user.is_authenticated else None
    if membership is None or user.role != User.Role.MEMBER:
        return []
    drafts = LabelApplication.objects.filter(
        collectivity_id=membership.collectivity_id, state=State.DRAFT
    ).select_related("theme")
    committee = services.next_committee(start)
    if committee is None:
        return []
    return [
        Deadline(
            uid=f"committee-{committee.pk}-application-{application.pk}",
            on=committee.application_deadline,
            title=_("Application deadline for the %(committee)s: %(theme)s")
            % {"committee": committee, "theme": application.theme},
            description=_("Submit the application before this date to be on its agenda."),
            url=absolute_url(reverse("labellisation:application_detail", args=[application.pk])),
            kind=CommitteeDeadline.kind,
        )
        for application in drafts
    ]


@deadline_source
def committee_calendar(user: User, start: date) -> Iterable[Deadline]:
    """For DAECT staff: the application deadline and the date of each coming committee."""
    if not user.is_authenticated or not user.is_daect:
        return []
    committees = CommitteeSession.objects.filter(date__gte=start).order_by("date")
    found = []
    for committee in committees:
        url = absolute_url(reverse("labellisation:committee_detail", args=[committee.pk]))
        found.append(
            Deadline(
                uid=f"committee-{committee.pk}-deadline",
                on=committee.application_deadline,
                title=_("Application deadline for the %(committee)s") % {"committee": committee},
                description=_("Applications submitted later go to the following committee."),
                url=url,
                kind=CommitteeDeadline.kind,
            )
        )
        found.append(
            Deadline(
                uid=f"committee-{committee.pk}",
                on=committee.date,
                title=str(committee),
                description=committee.place or _("Selection committee"),
                url=url,
                kind=CommitteeDeadline.kind,
            )
        )
    return found


@waiting_source
def applications_waiting() -> Iterable[Waiting]:
    to_review = LabelApplication.objects.to_review().count()
    changelist = reverse("admin:labellisation_labelapplication_changelist")
    return [
        Waiting(
            _("Applications to review"),
            to_review,
            # The same list as the count: submitted and resubmitted (`to_review`).
            absolute_url(f"{changelist}?state__in=submitted,resubmitted"),
        ),
    ]


@personal_waiting_source
def opinions_waiting(users: list[User]) -> dict[int, list[Waiting]]:
    """The opinions asked of each agent, counted in one query."""
    counts = dict(
        Opinion.objects.awaited()
        .filter(requested_from__in=users)
        .values_list("requested_from")
        .annotate(count=Count("pk"))
        .values_list("requested_from", "count")
    )
    url = absolute_url(reverse("labellisation:opinion_list"))
    return {
        user.pk: [Waiting(_("Opinions asked of you"), counts.get(user.pk, 0), url)]
        for user in users
    }
