"""Reminders of the missions: proposals and requests for information left unanswered.

- a mission proposal the collectivity has not answered after 7 days;
- more information DAECT asked of the embassy on a need, unanswered after 7 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Exists, Min, OuterRef, Prefetch
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.accounts.models import Membership, User
from expect.notifications.emails import absolute_url
from expect.notifications.models import Reminder
from expect.notifications.rules import (
    AnswerAwaited,
    Deadline,
    Due,
    Rule,
    Waiting,
    after,
    catch_up_start,
    deadline_source,
    rule,
    step_key,
    waiting_source,
)
from labellisation.reminders import members, members_prefetch

from .models import Mission, MissionEvent, MissionProposal, MissionRequest

ANSWER_DELAY = timedelta(days=7)


@rule
class ProposalAwaited(Rule):
    kind = "missions.proposal_awaited"
    label = gettext_lazy("Mission proposal to your collectivity, unanswered after 7 days")
    template = "proposal_awaited"
    roles = (User.Role.MEMBER,)

    def due(self, now: datetime) -> Iterable[Due]:
        start = catch_up_start(timezone.localdate(now))
        proposals = (
            MissionProposal.objects.filter(
                state=MissionProposal.State.OPEN,
                request__archived_at__isnull=True,
                proposed_at__lte=now - ANSWER_DELAY,
            )
            .annotate(proposed_on=TruncDate("proposed_at"))
            .exclude(Exists(self.logged(MissionProposal, deadline=OuterRef("proposed_on"))))
        )
        for proposal in self.for_delivery(proposals):
            proposed_on = timezone.localdate(proposal.proposed_at)
            on = timezone.localdate(proposal.proposed_at + ANSWER_DELAY)
            yield Due(
                proposal,
                step_key("d+7", proposed_on),
                on,
                users=members(proposal.collectivity),
                deadline=proposed_on,
                status=Reminder.Status.EXPIRED if on < start else None,
            )

    def watched(self):
        return (MissionProposal, MissionRequest, Membership, User)

    def next_due(self, now: datetime) -> datetime | None:
        """The next open proposal to come to its seventh day."""
        waiting = MissionProposal.objects.filter(
            state=MissionProposal.State.OPEN, proposed_at__gt=now - ANSWER_DELAY
        )
        return after(waiting.aggregate(first=Min("proposed_at"))["first"], ANSWER_DELAY)

    def for_delivery(self, proposals):
        return proposals.select_related("collectivity", "request").prefetch_related(
            members_prefetch("collectivity__")
        )

    def current_deadline(self, proposal: MissionProposal):
        return timezone.localdate(proposal.proposed_at)

    def recipients(self, proposal: MissionProposal) -> tuple[User, ...]:
        return members(proposal.collectivity)

    def is_current(self, proposal: MissionProposal, reminder) -> bool:
        return proposal.state == MissionProposal.State.OPEN

    def context(self, proposal: MissionProposal, reminder) -> dict:
        return {
            "proposal": proposal,
            "need": proposal.request,
            "deadline": proposal.response_deadline,
            "url": absolute_url(reverse("missions:proposal_detail", args=[proposal.pk])),
        }


@rule
class NeedInformationAwaited(AnswerAwaited):
    kind = "missions.need_info_awaited"
    label = gettext_lazy("More information requested on a need, unanswered after 7 days")
    template = "need_info_awaited"
    roles = (User.Role.EMBASSY,)
    event_field = "request"
    context_name = "need"

    def awaiting(self):
        return MissionRequest.objects.filter(
            state=MissionRequest.State.INFO_REQUESTED, archived_at__isnull=True
        )

    def requests(self):
        return MissionEvent.objects.filter(
            subject="request", to_state=MissionRequest.State.INFO_REQUESTED
        ).order_by("-at", "-pk")

    def with_recipients(self, needs):
        agents = User.objects.filter(is_active=True)
        return needs.select_related("embassy").prefetch_related(
            Prefetch("embassy__agents", queryset=agents, to_attr="active_agents")
        )

    def recipients(self, need: MissionRequest) -> tuple[User, ...]:
        return tuple(need.embassy.active_agents)

    def url(self, need: MissionRequest) -> str:
        return absolute_url(reverse("missions:request_detail", args=[need.pk]))


@deadline_source
def proposal_deadlines(user: User, start: date) -> Iterable[Deadline]:
    """The answers the user's collectivity owes to mission proposals."""
    membership = user.active_membership if user.is_authenticated else None
    if membership is None or user.role != User.Role.MEMBER:
        return []
    proposals = MissionProposal.objects.filter(
        collectivity_id=membership.collectivity_id,
        state=MissionProposal.State.OPEN,
        response_deadline__gte=start,
    ).select_related("request", "collectivity")
    return [
        Deadline(
            uid=f"proposal-{proposal.pk}",
            on=proposal.response_deadline,
            title=_("Answer the mission proposal: %(need)s") % {"need": proposal.request},
            description=_("Accept the proposal and name the experts, or decline it."),
            url=absolute_url(reverse("missions:proposal_detail", args=[proposal.pk])),
            kind=ProposalAwaited.kind,
        )
        for proposal in proposals
    ]


@waiting_source
def missions_waiting() -> Iterable[Waiting]:
    needs = MissionRequest.objects.filter(state=MissionRequest.State.SUBMITTED).count()
    accepted = MissionProposal.objects.filter(state=MissionProposal.State.ACCEPTED).count()
    to_plan = Mission.objects.filter(state=Mission.State.PLANNED).count()
    return [
        Waiting(
            _("Needs to qualify"),
            needs,
            absolute_url(
                reverse("admin:missions_missionrequest_changelist") + "?state__exact=submitted"
            ),
        ),
        Waiting(
            _("Accepted proposals to confirm"),
            accepted,
            # The list of exactly these (the portal's list shows every proposal).
            absolute_url(
                reverse("admin:missions_missionproposal_changelist") + "?state__exact=accepted"
            ),
        ),
        Waiting(
            _("Missions to plan"),
            to_plan,
            absolute_url(reverse("admin:missions_mission_changelist") + "?state__exact=planned"),
        ),
    ]
