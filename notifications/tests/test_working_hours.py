"""notifications.working_hours: weekdays 8:00–17:00 in settings.TIME_ZONE (America/Montreal)."""

import datetime
import zoneinfo

import pytest

from notifications.working_hours import working_time_add, working_time_between

MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
H = datetime.timedelta(hours=1)


def at(day: str, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute,
                                                        tzinfo=MONTREAL)


# 2026-03-02 is a Monday; 2026-03-06 a Friday; 2026-03-07 and 08 the weekend.
@pytest.mark.parametrize(("start", "end", "expected"), [
    (at("2026-03-02", 9), at("2026-03-02", 13), 4 * H),  # within one morning
    (at("2026-03-02", 6), at("2026-03-02", 9), 1 * H),  # before opening counts nothing
    (at("2026-03-02", 16), at("2026-03-02", 22), 1 * H),  # after closing counts nothing
    (at("2026-03-02", 18), at("2026-03-03", 7, 59), 0 * H),  # the whole night
    (at("2026-03-02", 16), at("2026-03-03", 11), 4 * H),  # one hour, then three the next day
    (at("2026-03-06", 15), at("2026-03-09", 10), 4 * H),  # Friday 2 h, weekend 0, Monday 2 h
    (at("2026-03-07", 9), at("2026-03-08", 16), 0 * H),  # a weekend
    (at("2026-03-02", 0), at("2026-03-09", 0), 45 * H),  # a whole week: 5 × 9 h
    (at("2026-03-02", 13), at("2026-03-02", 9), 0 * H),  # end before start
])
def test_working_time_between(start, end, expected):
    assert working_time_between(start, end) == expected


def test_the_moments_may_be_given_in_any_zone():
    start = at("2026-03-02", 16).astimezone(datetime.UTC)
    end = at("2026-03-03", 9, 30).astimezone(datetime.UTC)
    assert working_time_between(start, end) == 2.5 * H


def test_a_day_when_the_clocks_change_keeps_its_nine_hours():
    # Daylight saving time begins on Sunday 2026-03-08 at 2:00 and ends on Sunday 2026-11-01:
    # the Mondays after keep 8:00–17:00 local, nine hours.
    assert working_time_between(at("2026-03-06", 12), at("2026-03-09", 12)) == 9 * H
    assert working_time_between(at("2026-10-30", 12), at("2026-11-02", 12)) == 9 * H
    assert working_time_between(at("2026-03-09", 0), at("2026-03-10", 0)) == 9 * H



def test_adding_working_time_skips_nights_and_weekends():
    friday_afternoon = at("2026-12-04", 15)  # a Friday
    deadline = working_time_add(friday_afternoon, 4 * H)
    assert deadline == at("2026-12-07", 10)  # Monday 10:00
    assert working_time_add(at("2026-12-05", 11), 4 * H) == at("2026-12-07", 12)  # Saturday
    assert working_time_add(at("2026-12-08", 9), 4 * H) == at("2026-12-08", 13)
    assert working_time_add(at("2026-12-08", 19), 4 * H) == at("2026-12-09", 12)  # evening
    # Both directions agree: the working time from the start to the deadline is the amount.
    assert working_time_between(friday_afternoon, deadline) == 4 * H
