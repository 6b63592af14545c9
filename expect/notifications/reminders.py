"""The daily digest: what each user chose to receive once a day, and for DAECT staff
what waits on them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.accounts.models import User

from .delivery import NothingToSend, load_targets
from .emails import absolute_url, render_subject
from .models import OutboxMessage, Preference, Reminder
from .rules import Due, Rule, Waiting, get_rule, rule, waiting_for, waiting_source

Mode = Preference.Mode


@rule
class DaectSummary(Rule):
    """Not sent on its own: the part of the daily digest that DAECT staff can turn off."""

    kind = "notifications.daect_summary"
    label = gettext_lazy("What waits on you: applications, needs, proposals, reports")
    template = "digest"
    roles = (User.Role.DAECT,)
    modes = (Mode.DIGEST, Mode.OFF)
    default_mode = Mode.DIGEST

    def due(self, now: datetime) -> Iterable[Due]:
        return ()

    def next_due(self, now: datetime) -> None:
        return None


def _summary_wanted(user: User) -> bool:
    """With `DailyDigest.for_delivery`'s prefetch of the user's choice."""
    chosen = user.summary_choice[0].mode if user.summary_choice else None
    return user.is_daect and DaectSummary().mode_for(chosen) != Mode.OFF


@rule
class DailyDigest(Rule):
    kind = "notifications.digest"
    label = gettext_lazy("Daily digest")
    template = "digest"
    mandatory = True  # it is the delivery the user chose, not a message of its own

    def due(self, now: datetime) -> Iterable[Due]:
        local = timezone.localtime(now)
        if local.hour < settings.REMINDER_DIGEST_HOUR:
            return
        today = local.date()
        step = today.isoformat()
        summary_off = Preference.objects.filter(kind=DaectSummary.kind, mode=Mode.OFF)
        with_held = Reminder.objects.filter(status=Reminder.Status.HELD).values("recipient")
        daect = User.objects.filter(role=User.Role.DAECT).exclude(pk__in=summary_off.values("user"))
        users = self.not_yet_logged(
            User.objects.filter(is_active=True).filter(
                Q(pk__in=with_held) | Q(pk__in=daect.values("pk"))
            ),
            step,
        )
        for user in users:
            yield Due(user, step, today, users=(user,))

    def watched(self):
        return (Reminder, User, Preference)

    def next_due(self, now: datetime) -> datetime:
        """Today's digest hour, or tomorrow's once it has passed."""
        local = timezone.localtime(now)
        day = (
            local.date()
            if local.hour < settings.REMINDER_DIGEST_HOUR
            else local.date() + timedelta(days=1)
        )
        # Local wall-clock time, then made aware: right on the days the clocks change.
        hour = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=settings.REMINDER_DIGEST_HOUR
        )
        return timezone.make_aware(hour)

    def for_delivery(self, users):
        # The digest rows are claimed by their senders: nobody else reads the held rows now.
        held = Reminder.objects.filter(status=Reminder.Status.HELD).order_by("due_on", "pk")
        summary = Preference.objects.filter(kind=DaectSummary.kind)
        return users.prefetch_related(
            Prefetch("reminders", queryset=held, to_attr="held_rows"),
            Prefetch("notification_preferences", queryset=summary, to_attr="summary_choice"),
        )

    def prepare_batch(self, users: list[User], rows: list[Reminder]) -> None:
        """The objects of every held row of the batch, read by their own rules (one set of
        queries per kind), and what waits on the agents."""
        held = [row for user in users for row in user.held_rows]
        targets = load_targets(held)
        waiting = waiting_for([user for user in users if _summary_wanted(user)])
        for user in users:
            user.digest_targets = targets
            user.digest_waiting = waiting.get(user.pk, [])

    def context(self, user: User, reminder: Reminder) -> dict:
        items, stale = [], []
        for row in user.held_rows:
            row_rule = get_rule(row.kind)
            target = user.digest_targets.get((row.content_type_id, row.object_id))
            if row_rule is None or target is None or not row_rule.is_current(target, row):
                stale.append(row)
                continue
            deadline = row_rule.current_deadline(target)
            if row.deadline and deadline and deadline != row.deadline:
                stale.append(row)
                continue
            context = {"user": user, "reminder": row, "object": target}
            context |= row_rule.context(target, row)
            subject = render_subject(
                f"reminders/{row_rule.template}", context, language=user.preferred_language
            )
            items.append({"subject": subject, "url": context.get("url"), "row": row})
        if stale:
            Reminder.objects.filter(pk__in=[row.pk for row in stale]).update(
                status=Reminder.Status.SKIPPED, last_error="No longer due (or its deadline moved)"
            )
        if not items and not user.digest_waiting:
            raise NothingToSend
        return {
            "items": items,
            "waiting": user.digest_waiting,
            "day": timezone.localdate(),
            "url": absolute_url(reverse("core:dashboard")),
        }

    def after_batch(self, sent: list[tuple[User, Reminder, dict]]) -> None:
        """The rows carried by the digests of the batch, marked in one query."""
        carried = []
        for _user, reminder, context in sent:
            for item in context["items"]:
                row = item["row"]
                row.status, row.digest, row.sent_at = (
                    Reminder.Status.IN_DIGEST,
                    reminder,
                    reminder.sent_at,
                )
                carried.append(row)
        Reminder.objects.bulk_update(carried, ["status", "digest", "sent_at"])


@waiting_source
def reminders_failed() -> Iterable[Waiting]:
    failed = Reminder.objects.filter(status=Reminder.Status.FAILED).count()
    outbox_failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
    changelist = reverse("admin:notifications_reminder_changelist")
    outbox = reverse("admin:notifications_outboxmessage_changelist")
    return [
        Waiting(
            _("Reminders that could not be sent"),
            failed,
            absolute_url(f"{changelist}?status__exact=failed"),
        ),
        Waiting(
            _("E-mails that could not be sent"),
            outbox_failed,
            absolute_url(f"{outbox}?status__exact=failed"),
        ),
    ]
