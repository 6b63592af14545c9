"""The dashboard section of the user's upcoming deadlines, for every role."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core.dashboard import Section, section

from .models import OutboxMessage, Reminder
from .rules import deadlines_for

DAYS = 90
SHOWN = 10  # rows in the table; the deadlines page lists them all


@section(roles=User.Role.values)
def upcoming_deadlines(request: HttpRequest) -> Section:
    # Shown even when empty: it is where the calendar and the preferences are found.
    upcoming = deadlines_for(request.user, days=DAYS)
    context = {"deadlines": upcoming[:SHOWN], "count": len(upcoming), "days": DAYS}
    return Section(
        _("Upcoming deadlines"), "notifications/section_deadlines.html", context, order=12
    )


@section(roles=[User.Role.DAECT])
def reminders_failed(request: HttpRequest) -> Section | None:
    """Messages that could not be sent after every attempt: never lost silently."""
    failed = Reminder.objects.filter(status=Reminder.Status.FAILED).count()
    outbox = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
    if not failed and not outbox:
        return None
    return Section(
        _("Reminders that could not be sent") if failed else _("E-mails that could not be sent"),
        "notifications/section_failed.html",
        {"count": failed, "outbox": outbox},
        order=5,
    )
