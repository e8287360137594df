"""Closed attendance becomes ledger entries once, however often the task runs; stays closed
automatically wait for the leader; a leader's later correction follows as a correction."""

from __future__ import annotations

import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections

from tests.ledger.conftest import at, stay
from vetserve.attendance.services import attendance_correct
from vetserve.ledger.models import LedgerEntry, Source
from vetserve.ledger.selectors import chain_verify, volunteer_balance
from vetserve.ledger.services import ledger_entry_correct, ledger_from_attendance


def test_a_closed_stay_becomes_one_entry_even_when_the_task_runs_twice(
    cast: Any, snow: Any
) -> None:
    one = stay(snow, at(8), at(12))
    assert ledger_from_attendance() == 1
    assert ledger_from_attendance() == 0
    entry = LedgerEntry.objects.get()
    assert entry.source == Source.ATTENDANCE and entry.attendance_id == one.pk
    assert entry.minutes == 240 and entry.service_date == at(8).date()
    assert entry.activity_name == "太子城场馆除雪" and entry.recorded_by_id is None
    assert chain_verify()[0].ok


def test_open_and_zero_minute_stays_make_no_entry(cast: Any, snow: Any) -> None:
    stay(snow, at(16, 30), at(17))  # after the shift: no service time
    assert ledger_from_attendance() == 0


def test_a_stay_closed_automatically_waits_for_the_leader(cast: Any, snow: Any) -> None:
    auto = stay(snow, at(8), at(16), auto=True)
    assert ledger_from_attendance() == 0
    attendance_correct(actor=cast.dave, attendance=auto, reason="实际12点离开", out_at=at(12))
    assert ledger_from_attendance() == 1
    assert LedgerEntry.objects.get().minutes == 240


def test_a_later_correction_of_a_recorded_stay_follows_as_a_correction(
    cast: Any, snow: Any
) -> None:
    one = stay(snow, at(8), at(12))
    ledger_from_attendance()
    attendance_correct(actor=cast.dave, attendance=one, reason="补签退", out_at=at(14))
    assert ledger_from_attendance() == 1
    correction = LedgerEntry.objects.get(source=Source.CORRECTION)
    assert correction.minutes == 120 and correction.reason == "补签退"
    assert ledger_from_attendance() == 0
    assert volunteer_balance(user=cast.bob, volunteer=snow.wang).total == 360


def test_close_attendance_records_the_closed_stays_too(cast: Any, snow: Any) -> None:
    stay(snow, at(8), at(12))
    call_command("close_attendance", stdout=StringIO())
    assert LedgerEntry.objects.count() == 1


def test_the_command_reports_what_it_appended(cast: Any, snow: Any) -> None:
    stay(snow, at(8), at(12))
    out = StringIO()
    call_command("ledger_from_attendance", stdout=out)
    assert "Appended 1" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_the_task_run_eight_times_at_once_records_each_stay_once(
    restore_reference_data: Any, transactional_db: Any, cast: Any, snow: Any
) -> None:
    for hour in (8, 9, 10, 11):
        stay(snow, at(hour), at(hour, 30))
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            ledger_from_attendance()
        except BaseException as error:  # a unique key refusing a second entry counts too
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(e, IntegrityError) for e in errors), errors
    assert LedgerEntry.objects.filter(source=Source.ATTENDANCE).count() == 4
    assert chain_verify()[0].ok
    # The flush after a transactional test deletes rows: PostgreSQL truncates (no row trigger).


def test_a_correction_made_in_the_ledger_is_not_undone_by_an_older_stay_correction(
    cast: Any, snow: Any
) -> None:
    one = stay(snow, at(8), at(12))
    attendance_correct(actor=cast.dave, attendance=one, reason="确认", out_at=at(12))
    ledger_from_attendance()
    record = LedgerEntry.objects.get(source=Source.ATTENDANCE)
    ledger_entry_correct(actor=cast.bob, entry=record, minutes=180, reason="核对签到表")
    assert ledger_from_attendance() == 0
    assert volunteer_balance(user=cast.bob, volunteer=snow.wang).total == 180
