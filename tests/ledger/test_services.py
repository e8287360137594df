"""Recording, correcting and confirming hours: who may, what is refused, and that nothing
already recorded changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.ledger.conftest import at
from vetserve.audit.models import AuditEntry
from vetserve.ledger.models import LedgerEntry, Source
from vetserve.ledger.selectors import volunteer_balance
from vetserve.ledger.services import (
    ledger_entry_confirm,
    ledger_entry_correct,
    ledger_entry_record,
)
from vetserve.people.services import volunteer_erase


def record(cast: Any, snow: Any, minutes: int = 120, **extra: Any) -> LedgerEntry:
    return ledger_entry_record(
        actor=extra.pop("actor", cast.dave), volunteer=extra.pop("volunteer", snow.wang),
        activity=snow.activity, service_date=at(8).date(), minutes=minutes, **extra,
    )  # fmt: skip


def test_a_leader_records_hours_with_the_record_fields_of_the_activity(
    cast: Any, snow: Any
) -> None:
    entry = record(cast, snow)
    assert entry.source == Source.LEADER and entry.seq == 1 and len(entry.hash) == 64
    assert entry.activity_name == "太子城场馆除雪"
    assert entry.place == "太子城冰雪小镇"
    assert entry.content == "清扫场馆周边道路积雪"
    assert entry.organizing_unit == "崇礼蓝天应急救援队"
    assert entry.person_in_charge == "张队长"
    assert entry.recorded_by_id == cast.dave.pk
    assert AuditEntry.objects.filter(action="ledger.leader").count() == 1


def test_the_record_keeps_the_activity_as_it_was_when_recorded(cast: Any, snow: Any) -> None:
    entry = record(cast, snow)
    snow.activity.title = "改名后的活动"
    snow.activity.save()
    assert LedgerEntry.objects.get(pk=entry.pk).activity_name == "太子城场馆除雪"


def test_outsiders_may_not_record_hours(cast: Any, snow: Any) -> None:
    for outsider in (cast.carol, cast.erin, cast.frank, cast.mallory):
        with pytest.raises(PermissionDenied):
            record(cast, snow, actor=outsider)
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, 10**10])
def test_minutes_by_hand_are_bounded(cast: Any, snow: Any, minutes: int) -> None:
    with pytest.raises(ValidationError) as error:
        record(cast, snow, minutes=minutes)
    assert "minutes" in error.value.message_dict


def test_a_date_outside_the_activity_is_refused(cast: Any, snow: Any) -> None:
    with pytest.raises(ValidationError) as error:
        ledger_entry_record(
            actor=cast.dave, volunteer=snow.wang, activity=snow.activity,
            service_date=at(8, day=20).date(), minutes=60,
        )  # fmt: skip
    assert "service_date" in error.value.message_dict


def test_a_back_entry_needs_a_reason(cast: Any, snow: Any) -> None:
    with pytest.raises(ValidationError):
        record(cast, snow, back_entry=True)
    entry = record(cast, snow, back_entry=True, reason="纸质签到表补录")
    assert entry.source == Source.BACK_ENTRY


def test_no_hours_for_an_erased_volunteer(cast: Any, snow: Any) -> None:
    volunteer_erase(actor=cast.bob, volunteer=snow.wang, reason="本人申请删除")
    snow.wang.refresh_from_db()
    with pytest.raises(ValidationError):
        record(cast, snow)


def test_erasing_a_person_keeps_their_ledger_and_it_names_nobody(cast: Any, snow: Any) -> None:
    entry = record(cast, snow)
    volunteer_erase(actor=cast.bob, volunteer=snow.wang, reason="本人申请删除")
    kept = LedgerEntry.objects.get(pk=entry.pk)
    assert kept.volunteer.name == "（已删除）"
    assert "王建国" not in str(LedgerEntry.objects.filter(pk=entry.pk).values().get())


def test_a_correction_is_a_new_entry_with_the_difference_and_history_stays(
    cast: Any, snow: Any
) -> None:
    entry = record(cast, snow, minutes=120)
    correction = ledger_entry_correct(actor=cast.bob, entry=entry, minutes=90, reason="早退半小时")
    assert correction.source == Source.CORRECTION and correction.minutes == -30
    assert correction.refers_to_id == entry.pk and correction.seq == 2
    assert correction.prev_hash == entry.hash
    assert LedgerEntry.objects.get(pk=entry.pk).minutes == 120
    assert volunteer_balance(user=cast.bob, volunteer=snow.wang).total == 90
    again = ledger_entry_correct(actor=cast.bob, entry=entry, minutes=150, reason="核对签到表")
    assert again.minutes == 60
    assert volunteer_balance(user=cast.bob, volunteer=snow.wang).total == 150


def test_a_correction_needs_a_reason_and_a_change(cast: Any, snow: Any) -> None:
    entry = record(cast, snow, minutes=120)
    with pytest.raises(ValidationError):
        ledger_entry_correct(actor=cast.bob, entry=entry, minutes=90, reason="  ")
    with pytest.raises(ValidationError):
        ledger_entry_correct(actor=cast.bob, entry=entry, minutes=120, reason="无变化")
    with pytest.raises(PermissionDenied):
        ledger_entry_correct(actor=cast.carol, entry=entry, minutes=90, reason="越权")


def test_the_recorder_never_confirms_their_own_entry(cast: Any, snow: Any) -> None:
    entry = record(cast, snow)
    with pytest.raises(PermissionDenied):
        ledger_entry_confirm(actor=cast.dave, entry=entry)
    confirmation = ledger_entry_confirm(actor=cast.bob, entry=entry)
    assert confirmation.source == Source.CONFIRMATION and confirmation.minutes == 0
    balance = volunteer_balance(user=snow.wang.user, volunteer=snow.wang)
    assert balance.confirmed == 120 and balance.total == 120
    with pytest.raises(ValidationError):
        ledger_entry_confirm(actor=cast.alice, entry=entry)


def test_outsiders_may_not_confirm(cast: Any, snow: Any) -> None:
    entry = record(cast, snow)
    for outsider in (cast.carol, cast.erin, cast.frank, cast.mallory):
        with pytest.raises(PermissionDenied):
            ledger_entry_confirm(actor=outsider, entry=entry)


def test_balances_split_by_year_category_and_organization(cast: Any, snow: Any) -> None:
    entry = record(cast, snow, minutes=120)
    ledger_entry_confirm(actor=cast.bob, entry=entry)
    record(cast, snow, minutes=30)
    balance = volunteer_balance(user=snow.wang.user, volunteer=snow.wang, with_names=True)
    assert balance.total == 150 and balance.confirmed == 120
    assert balance.by_year == {2022: 150}
    assert balance.by_category == {"snow_ice": 150}
    assert balance.organizations == [("崇礼蓝天应急救援队", 150)]
    assert volunteer_balance(user=cast.carol, volunteer=snow.wang).total == 0
