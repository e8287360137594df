"""Deadlines in working days (办法 Art 11): the package's holidays and make-up workdays, the
rule table for later years, and weekends alone marked as an estimate."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from vetserve.ledger.models import WorkdayRule
from vetserve.ledger.workdays import WorkCalendar, due_date, last_end_due_before

pytestmark = pytest.mark.django_db


def test_spring_festival_2026_counts_the_make_up_saturdays() -> None:
    # Holidays 15-23 Feb 2026; Saturdays 14 and 28 Feb are make-up workdays.
    # From Fri 13 Feb: 14 (Sat, workday) 1, 24-27 Feb 2-5, 28 (Sat, workday) 6, 2-5 Mar 7-10.
    assert due_date(date(2026, 2, 13)) == (date(2026, 3, 5), False)


def test_national_day_2026_skips_the_golden_week() -> None:
    # Holidays 1-7 Oct 2026; Sun 20 Sep and Sat 10 Oct are make-up workdays.
    # From Wed 30 Sep: 8, 9, 10 (Sat), 12-16, 19-20 Oct -> the tenth is Tue 20 Oct.
    assert due_date(date(2026, 9, 30)) == (date(2026, 10, 20), False)
    # Ending on Fri 18 Sep: Sun 20 Sep counts, 21-24 Sep (25th is Mid-Autumn), 28-30 Sep,
    # then 8 and 9 Oct -> Fri 9 Oct.
    assert due_date(date(2026, 9, 18)) == (date(2026, 10, 9), False)


def test_an_end_given_as_a_moment_counts_from_its_local_day() -> None:
    # 2026-09-30 23:30 in Beijing is still the 30th there (15:30 UTC).
    end = datetime(2026, 9, 30, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert due_date(end) == (date(2026, 10, 20), False)


def test_a_year_nobody_knows_is_estimated_from_weekends() -> None:
    # 2027: the package stops at 2026, no rules entered: weekends only, and said so.
    assert due_date(date(2027, 9, 30)) == (date(2027, 10, 14), True)
    # A deadline that only reaches into an unknown year is estimated too.
    assert due_date(date(2026, 12, 25))[1] is True


def test_with_the_years_rules_entered_it_is_not_estimated() -> None:
    for day in range(1, 8):
        WorkdayRule.objects.create(day=date(2027, 10, day), is_workday=False, note="国办发明电")
    WorkdayRule.objects.create(day=date(2027, 10, 9), is_workday=True, note="国办发明电")
    # From Thu 30 Sep 2027: 1-7 Oct off, Sat 9 Oct on: 8, 9, 11-15, 18-20.
    assert due_date(date(2027, 9, 30)) == (date(2027, 10, 20), False)


def test_the_last_end_due_before_a_day_is_the_boundary_of_overdue() -> None:
    calendar = WorkCalendar.for_years([2026, 2027])
    end = last_end_due_before(date(2026, 10, 20), calendar=calendar)
    assert calendar.add_workdays(end, 10)[0] < date(2026, 10, 20)
    assert calendar.add_workdays(date.fromordinal(end.toordinal() + 1), 10)[0] >= date(2026, 10, 20)
