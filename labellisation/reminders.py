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
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.accounts.models import Membership, User
from expect.notifications.emails import absolute_url
from expect.notifications.rules import (
    AnswerAwaited,
    Deadline,
    Due,
    Rule,
    Waiting,
    catch_up_start,
    deadline_source,
    rule,
    waiting_source,
)

from . import services
from .models import ApplicationEvent, CommitteeSession, Label, LabelApplication, Opinion

State = LabelApplication.State
ANSWER_DELAY = timedelta(days=7)
EXPIRY_STEPS = (("m-6", 6), ("m-3", 3), ("m-1", 1))
COMMITTEE_STEPS = (("d-10", 10), ("d-3", 3))
# A renewal on its way makes the invitations to renew pointless.
RENEWAL_STATES = (
    State.SUBMITTED,
    State.IN_REVIEW,
    State.INFO_REQUESTED,
    State.RESUBMITTED,
    State.SCHEDULED,
    State.GRANTED,
)


def members_prefetch(path: str) -> Prefetch:
    """The confirmed members (experts excepted) of the collectivity follow its dossiers."""
    return Prefetch(
        f"{path}memberships",
        queryset=Membership.objects.active()
        .filter(user__role=User.Role.MEMBER, user__is_active=True)
        .select_related("user"),
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
class LabelExpiry(Rule):
    kind = "labellisation.label_expiry"
    label = gettext_lazy("Label expiry: 6, 3 and 1 month before, and on expiry")
    template = "label_expiry"
    roles = (User.Role.MEMBER,)
    mandatory = True

    def prepare(self, now: datetime) -> None:
        services.expire_labels(timezone.localdate(now))

    def due(self, now: datetime) -> Iterable[Due]:
        today = timezone.localdate(now)
        start = catch_up_start(today)
        labels = (
            Label.objects.filter(archived_at__isnull=True)
            .select_related("collectivity", "theme")
            .prefetch_related(members_prefetch("collectivity__"))
        )
        for step, months in EXPIRY_STEPS:
            # A window a few days wide on the SQL side; the exact date is checked below.
            window = (start + relativedelta(months=months), today + relativedelta(months=months))
            candidates = self.not_yet_logged(
                labels.filter(
                    state=Label.State.ACTIVE,
                    valid_until__range=(window[0], window[1] + timedelta(days=3)),
                ).exclude(Exists(_renewal_under_way())),
                step,
            )
            for label in candidates:
                on = label.valid_until - relativedelta(months=months)
                if start <= on <= today and on >= label.granted_on:
                    yield Due(label, step, on, users=members(label.collectivity))
        # On expiry: the day after the last valid day (the sweep's prepare made it expired).
        expired = self.not_yet_logged(
            labels.filter(
                state__in=(Label.State.ACTIVE, Label.State.EXPIRED),
                valid_until__range=(start - timedelta(days=1), today - timedelta(days=1)),
            ),
            "expired",
        )
        for label in expired:
            yield Due(
                label,
                "expired",
                label.valid_until + timedelta(days=1),
                users=members(label.collectivity),
            )

    def is_current(self, label: Label, reminder) -> bool:
        if reminder.step == "expired":
            return label.state in (Label.State.ACTIVE, Label.State.EXPIRED)
        return (
            label.state == Label.State.ACTIVE
            and not Label.objects.filter(pk=label.pk).filter(Exists(_renewal_under_way())).exists()
        )

    def context(self, label: Label, reminder) -> dict:
        return {
            "label": label,
            "expired": reminder.step == "expired",
            "valid_until": label.valid_until,
            "days_left": (label.valid_until - timezone.localdate()).days,
            "url": absolute_url(reverse("labellisation:application_create")),
        }


@rule
class CommitteeDeadline(Rule):
    kind = "labellisation.committee_deadline"
    label = gettext_lazy("Committee application deadline, for a draft: 10 and 3 days before")
    template = "committee_deadline"
    roles = (User.Role.MEMBER,)

    def due(self, now: datetime) -> Iterable[Due]:
        today = timezone.localdate(now)
        start = catch_up_start(today)
        committee = services.next_committee(today)
        if committee is None:
            return
        drafts = LabelApplication.objects.filter(
            state=State.DRAFT, archived_at__isnull=True
        ).select_related("collectivity", "theme")
        for days_before, offset in COMMITTEE_STEPS:
            on = committee.application_deadline - timedelta(days=offset)
            if not start <= on <= today:
                continue
            step = f"committee-{committee.pk}-{days_before}"
            candidates = self.not_yet_logged(
                drafts.filter(created_at__date__lte=on), step
            ).prefetch_related(members_prefetch("collectivity__"))
            for application in candidates:
                yield Due(application, step, on, users=members(application.collectivity))

    def _committee(self, reminder) -> CommitteeSession | None:
        committee_pk = reminder.step.split("-")[1]
        return CommitteeSession.objects.filter(pk=committee_pk).first()

    def is_current(self, application: LabelApplication, reminder) -> bool:
        committee = self._committee(reminder)
        return (
            application.state == State.DRAFT
            and committee is not None
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
        opinions = self.not_yet_logged(
            Opinion.objects.awaited().filter(
                requested_at__lte=now - ANSWER_DELAY,
                requested_at__date__gte=start - ANSWER_DELAY,
            ),
            "d+7",
        ).select_related("requested_from", "application__collectivity", "application__theme")
        for opinion in opinions:
            on = timezone.localdate(opinion.requested_at + ANSWER_DELAY)
            yield Due(opinion, "d+7", on, users=(opinion.requested_from,))

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
def applications_waiting(user: User) -> Iterable[Waiting]:
    to_review = LabelApplication.objects.filter(
        state__in=(State.SUBMITTED, State.RESUBMITTED)
    ).count()
    opinions = Opinion.objects.awaited().filter(requested_from=user).count()
    changelist = reverse("admin:labellisation_labelapplication_changelist")
    return [
        Waiting(
            _("Applications to review"),
            to_review,
            absolute_url(f"{changelist}?state__exact=submitted"),
        ),
        Waiting(
            _("Opinions asked of you"),
            opinions,
            absolute_url(reverse("labellisation:opinion_list")),
        ),
    ]
