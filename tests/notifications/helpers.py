"""Moving the clock and running the sweep, as beat would."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail

from expect.notifications import sweep

PARIS = ZoneInfo("Europe/Paris")


def at(day: datetime.date, hour: int = 6) -> datetime.datetime:
    """A moment of that day in Paris; 6 o'clock is before the daily digest."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


def sweep_on(day: datetime.date, hour: int = 6) -> list:
    """Run one sweep at that moment; return the messages it sent."""
    before = len(mail.outbox)
    with time_machine.travel(at(day, hour), tick=False):
        sweep.run()
    return mail.outbox[before:]


def to(messages, address: str) -> list:
    return [m for m in messages if address in m.to]
