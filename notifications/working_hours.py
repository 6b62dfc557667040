"""Working hours: the one definition of when a school is at work, for delays that should count
only the time someone could have acted (a report still without a lead after 4 working hours).

Weekdays from 8:00 to 17:00 in settings.TIME_ZONE (Quebec's schools and their boards keep
roughly these hours). Statutory holidays and school breaks are not taken out: a delay that runs
over one ends a day early, which errs on the side of telling people sooner.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

WORKDAY_START = datetime.time(8, 0)
WORKDAY_END = datetime.time(17, 0)
WORKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday to Friday (date.weekday())


def working_time_between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    """The working time elapsed from `start` to `end` (aware datetimes); zero if end <= start."""
    total = datetime.timedelta(0)
    if end <= start:
        return total
    zone = timezone.get_default_timezone()
    day = timezone.localtime(start, zone).date()
    last = timezone.localtime(end, zone).date()
    while day <= last:
        if day.weekday() in WORKDAYS:
            # Built in the zone itself, so a day when the clocks change keeps 8:00 and 17:00.
            opens = datetime.datetime.combine(day, WORKDAY_START, tzinfo=zone)
            closes = datetime.datetime.combine(day, WORKDAY_END, tzinfo=zone)
            overlap = min(end, closes) - max(start, opens)
            if overlap > datetime.timedelta(0):
                total += overlap
        day += datetime.timedelta(days=1)
    return total


def working_time_add(start: datetime.datetime, amount: datetime.timedelta) -> datetime.datetime:
    """The moment `amount` of working time after `start` (the deadline of a working delay)."""
    zone = timezone.get_default_timezone()
    moment = timezone.localtime(start, zone)
    left = amount
    day = moment.date()
    while True:
        if day.weekday() in WORKDAYS:
            opens = datetime.datetime.combine(day, WORKDAY_START, tzinfo=zone)
            closes = datetime.datetime.combine(day, WORKDAY_END, tzinfo=zone)
            begin = max(moment, opens)
            if begin < closes:
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
        day += datetime.timedelta(days=1)
