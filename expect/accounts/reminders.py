"""Reminders of the accounts: a membership request nobody has confirmed yet.

- the collectivity's referents, 3 days after the request;
- DAECT (its secretariat's mailbox), 7 days after the request, whether or not the
  collectivity has a referent.

Registered like every rule, with the `@rule` decorator: `expect.notifications.rules`
finds this module through `autodiscover_modules("reminders")`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from expect.notifications.emails import absolute_url
from expect.notifications.rules import Due, Rule, after, catch_up_start, rule

from .models import Membership, User
from .pending import DAECT_DELAY_DAYS, REFERENT_DELAY_DAYS

REFERENT_STEP = ("referent-d+3", timedelta(days=REFERENT_DELAY_DAYS))
DAECT_STEP = ("daect-d+7", timedelta(days=DAECT_DELAY_DAYS))


@rule
class MembershipAwaited(Rule):
    kind = "accounts.membership_awaited"
    label = gettext_lazy("Membership request of your collectivity, not confirmed after 3 days")
    template = "membership_awaited"
    roles = (User.Role.MEMBER, User.Role.DAECT)
    # Someone waits to work for the collectivity: the referent cannot turn this off.
    mandatory = True

    def pending(self, now: datetime, step: str, delay: timedelta):
        start = catch_up_start(timezone.localdate(now))
        # A request is shown to the referents once its e-mail address is confirmed.
        waiting = Membership.objects.pending().filter(
            user__is_active=True,
            user__email_confirmed_at__isnull=False,
            requested_at__lte=now - delay,
            requested_at__date__gte=start - delay,
        )
        return self.not_yet_logged(waiting, step).select_related("user", "collectivity")

    def watched(self):
        return (Membership, User)

    def next_due(self, now: datetime) -> datetime | None:
        """The next request to come to one of its steps."""
        moments = []
        for _step, delay in (REFERENT_STEP, DAECT_STEP):
            waiting = Membership.objects.pending().filter(
                user__is_active=True,
                user__email_confirmed_at__isnull=False,
                requested_at__gt=now - delay,
            )
            moments.append(after(waiting.aggregate(first=Min("requested_at"))["first"], delay))
        return min((moment for moment in moments if moment), default=None)

    def due(self, now: datetime) -> Iterable[Due]:
        step, delay = REFERENT_STEP
        referents = Prefetch(
            "collectivity__memberships",
            queryset=Membership.objects.referents().select_related("user"),
            to_attr="referent_memberships",
        )
        for membership in self.pending(now, step, delay).prefetch_related(referents):
            users = tuple(
                m.user
                for m in membership.collectivity.referent_memberships
                if m.user_id != membership.user_id
            )
            if users:
                on = timezone.localdate(membership.requested_at + delay)
                yield Due(membership, step, on, users=users)
        step, delay = DAECT_STEP
        for membership in self.pending(now, step, delay):
            on = timezone.localdate(membership.requested_at + delay)
            yield Due(membership, step, on, emails=(settings.DAECT_EMAIL,))

    def is_current(self, membership: Membership, reminder) -> bool:
        return membership.state == Membership.State.PENDING

    def context(self, membership: Membership, reminder) -> dict:
        if reminder.step == DAECT_STEP[0]:
            url = reverse("admin:accounts_membership_change", args=[membership.pk])
        else:
            url = reverse("organisations:members")
        return {
            "membership": membership,
            "requested_at": membership.requested_at,
            "url": absolute_url(url),
        }
