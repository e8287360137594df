"""The windows of recurring shifts, without a database: dates and times in, windows out."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from vetserve.activities.series import rotation_windows, series_windows, weekly_windows

SHANGHAI = ZoneInfo("Asia/Shanghai")
EIGHT_HOURS = timedelta(hours=8)


def shanghai(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI)


# --- weekly ---------------------------------------------------------------------------------


def test_a_monday_wednesday_friday_series_keeps_shanghai_times_in_a_european_clock_change_week():
    # 2030-03-31 is when Europe moves its clocks; Shanghai keeps UTC+8 all year.
    windows = weekly_windows(
        weekdays=[0, 2, 4],
        first_day=date(2030, 3, 25),
        last_day=date(2030, 3, 31),
        start=time(8),
        end=time(16),
    )
    assert [begin.date() for begin, _end in windows] == [
        date(2030, 3, 25),
        date(2030, 3, 27),
        date(2030, 3, 29),
    ]
    assert all(end - begin == EIGHT_HOURS for begin, end in windows)
    assert all(begin.utcoffset() == timedelta(hours=8) for begin, _end in windows)
    assert all(begin.astimezone(ZoneInfo("UTC")).hour == 0 for begin, _end in windows)


def test_every_saturday_of_a_month():
    windows = weekly_windows(
        weekdays=[5],
        first_day=date(2031, 1, 1),
        last_day=date(2031, 1, 31),
        start=time(9),
        end=time(17),
    )
    assert [begin.day for begin, _end in windows] == [4, 11, 18, 25]


def test_a_night_shift_ends_the_next_morning():
    (window,) = weekly_windows(
        weekdays=[0],
        first_day=date(2031, 1, 6),
        last_day=date(2031, 1, 6),
        start=time(22),
        end=time(6),
    )
    assert window == (shanghai(date(2031, 1, 6), 22), shanghai(date(2031, 1, 7), 6))


def test_a_weekly_shift_ending_when_it_starts_lasts_a_whole_day():
    ((begin, end),) = weekly_windows(
        weekdays=[0],
        first_day=date(2031, 1, 6),
        last_day=date(2031, 1, 6),
        start=time(7),
        end=time(7),
    )
    assert end - begin == timedelta(days=1)


def test_the_first_and_last_day_both_count_across_a_year_end():
    windows = weekly_windows(
        weekdays=range(7),
        first_day=date(2030, 12, 30),
        last_day=date(2031, 1, 5),
        start=time(9),
        end=time(10),
    )
    assert [begin.date() for begin, _end in windows] == [
        date(2030, 12, 30) + timedelta(days=i) for i in range(7)
    ]


def test_a_daily_series_includes_the_leap_day():
    windows = weekly_windows(
        weekdays=range(7),
        first_day=date(2032, 2, 28),
        last_day=date(2032, 3, 1),
        start=time(9),
        end=time(10),
    )
    assert date(2032, 2, 29) in [begin.date() for begin, _end in windows]
    assert len(windows) == 3


def test_one_day_that_is_not_a_chosen_weekday_makes_no_windows():
    # 2031-01-07 is a Tuesday.
    assert (
        weekly_windows(
            weekdays=[0],
            first_day=date(2031, 1, 7),
            last_day=date(2031, 1, 7),
            start=time(9),
            end=time(17),
        )
        == []
    )


def test_a_last_day_before_the_first_is_refused():
    with pytest.raises(ValidationError) as refused:
        weekly_windows(
            weekdays=[0],
            first_day=date(2031, 1, 7),
            last_day=date(2031, 1, 6),
            start=time(9),
            end=time(17),
        )
    assert "last_day" in refused.value.message_dict


@pytest.mark.parametrize("weekdays", [[], [7], [-1], [0, 7]])
def test_weekdays_must_be_chosen_from_monday_to_sunday(weekdays):
    with pytest.raises(ValidationError) as refused:
        weekly_windows(
            weekdays=weekdays,
            first_day=date(2031, 1, 6),
            last_day=date(2031, 1, 12),
            start=time(9),
            end=time(17),
        )
    assert "weekdays" in refused.value.message_dict


def test_a_weekly_series_to_the_year_9999_stops_one_window_past_the_cap(settings):
    # One past the cap is all shift_series_create needs to refuse; no walk over three
    # million days first.
    settings.ACTIVITY_MAX_SERIES_SHIFTS = 10
    windows = weekly_windows(
        weekdays=range(7),
        first_day=date(2031, 1, 1),
        last_day=date(9999, 12, 31),
        start=time(9),
        end=time(17),
    )
    assert len(windows) == 11


# --- rotation -------------------------------------------------------------------------------


def test_a_rotation_of_three_shifts_a_day_runs_round_the_clock():
    first = shanghai(date(2031, 1, 10), 6)
    windows = rotation_windows(first_start=first, shifts_per_day=3, days=2)
    assert len(windows) == 6
    assert all(end - begin == EIGHT_HOURS for begin, end in windows)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(windows))
    assert windows[0][0] == first
    assert windows[-1][1] == shanghai(date(2031, 1, 12), 6)


def test_a_rotation_of_four_shifts_a_day_has_six_hour_shifts():
    windows = rotation_windows(first_start=shanghai(date(2031, 1, 10), 0), shifts_per_day=4, days=1)
    assert [end - begin for begin, end in windows] == [timedelta(hours=6)] * 4


@pytest.mark.parametrize("shifts_per_day", [0, -3, 7, 11])
def test_a_rotation_must_divide_the_day(shifts_per_day):
    with pytest.raises(ValidationError) as refused:
        rotation_windows(
            first_start=shanghai(date(2031, 1, 10), 0), shifts_per_day=shifts_per_day, days=1
        )
    assert "shifts_per_day" in refused.value.message_dict


def test_a_rotation_needs_at_least_one_day():
    with pytest.raises(ValidationError) as refused:
        rotation_windows(first_start=shanghai(date(2031, 1, 10), 0), shifts_per_day=3, days=0)
    assert "days" in refused.value.message_dict


def test_a_rotation_up_to_the_cap_is_made_and_one_more_shift_is_refused(settings):
    settings.ACTIVITY_MAX_SERIES_SHIFTS = 10
    first = shanghai(date(2031, 1, 10), 0)
    assert len(rotation_windows(first_start=first, shifts_per_day=2, days=5)) == 10
    with pytest.raises(ValidationError) as refused:
        rotation_windows(first_start=first, shifts_per_day=2, days=6)
    assert refused.value.code == "too_many"


def test_the_default_cap_of_1000_shifts_refuses_before_building_the_list():
    # A billion days of three shifts would never finish building: the count is refused first.
    with pytest.raises(ValidationError) as refused:
        rotation_windows(first_start=shanghai(date(2031, 1, 10), 0), shifts_per_day=3, days=10**9)
    assert refused.value.code == "too_many"
    assert "1000" in refused.value.messages[0]


# --- as the page and the API describe a series ----------------------------------------------


def test_a_described_weekly_series_needs_a_last_day_and_an_end():
    with pytest.raises(ValidationError) as refused:
        series_windows(kind="weekly", first_day=date(2031, 1, 6), start=time(9), weekdays=[0])
    assert refused.value.code == "weekly"


def test_a_described_rotation_is_three_shifts_for_one_day_in_shanghai_time_unless_told():
    windows = series_windows(kind="rotation", first_day=date(2031, 1, 10), start=time(6))
    assert windows == rotation_windows(
        first_start=shanghai(date(2031, 1, 10), 6), shifts_per_day=3, days=1
    )


def test_a_described_weekly_series_is_the_weekly_windows():
    described = series_windows(
        kind="weekly",
        first_day=date(2031, 1, 1),
        last_day=date(2031, 1, 31),
        start=time(9),
        end=time(17),
        weekdays=[5],
    )
    assert len(described) == 4


def test_an_unknown_kind_of_series_is_refused():
    with pytest.raises(ValidationError) as refused:
        series_windows(kind="monthly", first_day=date(2031, 1, 10), start=time(6))
    assert "kind" in refused.value.message_dict
