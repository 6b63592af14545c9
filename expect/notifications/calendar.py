"""The iCalendar feed of a user's own deadlines (RFC 5545), for calendar apps to subscribe to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
    vRecur,
)

if TYPE_CHECKING:
    from .rules import Deadline

PRODID = "-//MEAE DAECT//EXPE-CT//FR"
# Deadlines that have just passed stay visible for a while: a late report is still due.
PAST_DAYS = 30
# All-day events start at midnight: the alarm rings at 9 a.m. the day before.
ALARM_BEFORE = timedelta(hours=15)
# How often calendar apps should fetch the feed again (REFRESH-INTERVAL, and Outlook's own).
REFRESH = timedelta(hours=6)
# The programme's time zone, Paris: its offsets from UTC in winter and in summer.
WINTER, SUMMER = timedelta(hours=1), timedelta(hours=2)


def feed_start(today: date) -> date:
    return today - timedelta(days=PAST_DAYS)


def event(deadline: Deadline, stamp: datetime) -> Event:
    """One all-day event; its UID stays the same from one download to the next."""
    description = f"{deadline.description}\n\n{deadline.url}"
    ical_event = Event.new(
        uid=f"{deadline.uid}@expe-ct",
        stamp=stamp,
        start=deadline.on,
        end=deadline.on + timedelta(days=1),
        summary=deadline.title,
        description=description,
        url=deadline.url,
    )
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", deadline.title)
    alarm.add("trigger", -ALARM_BEFORE)
    ical_event.add_component(alarm)
    return ical_event


def paris() -> Timezone:
    """Europe/Paris under the EU rules (last Sundays of March and October), as Outlook writes it."""
    zone = Timezone()
    zone.add("tzid", "Europe/Paris")
    for part, start, month, offsets, name in (
        (TimezoneDaylight(), datetime(1970, 3, 29, 2), 3, (WINTER, SUMMER), "CEST"),
        (TimezoneStandard(), datetime(1970, 10, 25, 3), 10, (SUMMER, WINTER), "CET"),
    ):
        part.add("dtstart", start)
        part.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday="-1SU"))
        part.add("tzoffsetfrom", offsets[0])
        part.add("tzoffsetto", offsets[1])
        part.add("tzname", name)
        zone.add_component(part)
    return zone


def build(deadlines: Iterable[Deadline], uid: str) -> bytes:
    """The calendar of these deadlines, serialised; `uid` names the calendar itself."""
    stamp = timezone.now()
    calendar = Calendar.new(prodid=PRODID, uid=uid, name=_("EXPE-CT — my deadlines"))
    # RFC 7986 asks for VALUE=DURATION on REFRESH-INTERVAL; Outlook reads X-PUBLISHED-TTL.
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    # RFC 5545 wants at least one component, even when there is no deadline: the programme's
    # time zone makes an empty feed valid, and tells the apps which days the dates are.
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add_component(paris())
    for deadline in deadlines:
        calendar.add_component(event(deadline, stamp))
    return calendar.to_ical()
