"""Hours arithmetic for the staffing limits, without a database (and without Django)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from vetserve.activities.hours import days_touched, hours_text, minutes_on

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(day: int, hour: int, month: int = 1) -> datetime:
    return datetime.combine(date(2031, month, day), time(hour), SHANGHAI)


@pytest.mark.parametrize(("hours", "text"), [(8.0, "8"), (1.5, "1.5"), (0.25, "0.25"), (12, "12")])
def test_hours_read_as_people_write_them(hours, text):
    assert hours_text(hours) == text


def test_a_day_shift_touches_one_day():
    assert days_touched(shanghai(10, 8), shanghai(10, 16)) == [date(2031, 1, 10)]


def test_a_night_shift_touches_two_days():
    assert days_touched(shanghai(10, 22), shanghai(11, 6)) == [
        date(2031, 1, 10),
        date(2031, 1, 11),
    ]


def test_a_shift_ending_at_midnight_does_not_touch_the_next_day():
    assert days_touched(shanghai(10, 16), shanghai(11, 0)) == [date(2031, 1, 10)]


def test_days_are_shanghai_calendar_days_whatever_the_offset_of_the_times():
    # 20:00–23:00 UTC is 04:00–07:00 the next morning in Shanghai.
    begin = datetime(2031, 1, 10, 20, tzinfo=UTC)
    end = datetime(2031, 1, 10, 23, tzinfo=UTC)
    assert days_touched(begin, end) == [date(2031, 1, 11)]


def test_a_shift_across_a_month_end_touches_both_months():
    assert days_touched(shanghai(31, 20), shanghai(1, 4, month=2)) == [
        date(2031, 1, 31),
        date(2031, 2, 1),
    ]


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        days_touched(datetime(2031, 1, 10, 8), datetime(2031, 1, 10, 16))


def test_a_night_shift_splits_its_minutes_at_midnight():
    begin, end = shanghai(10, 22), shanghai(11, 6)
    assert minutes_on(date(2031, 1, 10), begin, end, SHANGHAI) == 120
    assert minutes_on(date(2031, 1, 11), begin, end, SHANGHAI) == 360


def test_a_shift_on_another_day_counts_no_minutes():
    assert minutes_on(date(2031, 1, 12), shanghai(10, 8), shanghai(10, 16), SHANGHAI) == 0


def test_a_shift_longer_than_a_day_counts_the_whole_day_in_between():
    begin, end = shanghai(10, 12), shanghai(12, 12)
    assert minutes_on(date(2031, 1, 11), begin, end, SHANGHAI) == 24 * 60


def test_minutes_count_in_the_time_zone_given():
    begin = datetime(2031, 1, 10, 20, tzinfo=UTC)
    end = datetime(2031, 1, 10, 23, tzinfo=UTC)
    assert minutes_on(date(2031, 1, 11), begin, end, SHANGHAI) == 180
    assert minutes_on(date(2031, 1, 10), begin, end, UTC) == 180
