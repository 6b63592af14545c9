"""The daily digest: what each user chose to receive once a day, and for DAECT staff
what waits on them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.accounts.models import User

from .delivery import NothingToSend
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


def _summary_wanted(user: User) -> bool:
    chosen = user.notification_preferences.filter(kind=DaectSummary.kind).first()
    return user.is_daect and DaectSummary().mode_for(chosen and chosen.mode) != Mode.OFF


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

    def context(self, user: User, reminder: Reminder) -> dict:
        # The digest row is claimed by its sender: nobody else reads these rows now.
        held = list(Reminder.objects.held_for(user).order_by("due_on", "pk"))
        items, stale = [], []
        for row in held:
            row_rule = get_rule(row.kind)
            model = row.content_type.model_class()
            target = (
                row_rule.for_delivery(model._default_manager.filter(pk=row.object_id)).first()
                if row_rule and model
                else None
            )
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
        waiting = waiting_for(user) if _summary_wanted(user) else []
        Reminder.objects.filter(pk__in=[row.pk for row in stale]).update(
            status=Reminder.Status.SKIPPED, last_error="No longer due (or its deadline moved)"
        )
        if not items and not waiting:
            raise NothingToSend
        return {
            "items": items,
            "waiting": waiting,
            "day": timezone.localdate(),
            "url": absolute_url(reverse("core:dashboard")),
        }

    def after_send(self, user: User, reminder: Reminder, context: dict) -> None:
        rows = [item["row"].pk for item in context["items"]]
        Reminder.objects.filter(pk__in=rows).update(
            status=Reminder.Status.IN_DIGEST, digest=reminder, sent_at=reminder.sent_at
        )


@waiting_source
def reminders_failed(user: User) -> Iterable[Waiting]:
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
