"""The summaries kept current as entries arrive equal the summaries rebuilt from the ledger
alone, after any sequence of records, corrections and confirmations (hypothesis), and both
equal plain sums over the entries."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.stats.conftest import day_of
from vetserve.audit.models import AuditEntry
from vetserve.ledger.models import RECORD_SOURCES, LedgerEntry
from vetserve.ledger.services import (
    ledger_entry_confirm,
    ledger_entry_correct,
    ledger_entry_record,
)
from vetserve.stats.models import ActiveMonth, ActiveVolunteer, LedgerMonth
from vetserve.stats.services import summaries_rebuild

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("record"), st.integers(0, 23), st.integers(0, 2), st.integers(1, 600)),
        st.tuples(st.just("correct"), st.integers(0, 50), st.integers(0, 600)),
        st.tuples(st.just("confirm"), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=14,
)


def snapshot() -> dict[str, set[tuple[Any, ...]]]:
    return {
        "months": set(
            LedgerMonth.objects.values_list(
                "region_id", "organization_id", "month", "category", "minutes",
                "confirmed_minutes", "records",
            )
        ),
        "active": set(
            ActiveVolunteer.objects.values_list("volunteer_id", "span", "month", "region_id")
        ),
        "counts": set(ActiveMonth.objects.filter(volunteers__gt=0).values_list(
            "region_id", "span", "month", "volunteers"
        )),
    }  # fmt: skip


def apply(world: Any, op: tuple[Any, ...]) -> None:
    cast = world.cast
    entries = list(LedgerEntry.objects.filter(source__in=RECORD_SOURCES).order_by("id"))
    try:
        if op[0] == "record":
            activity = world.activities[op[1]]
            ledger_entry_record(
                actor=cast.alice, volunteer=world.volunteers[op[2]], activity=activity,
                service_date=day_of(activity), minutes=op[3],
            )  # fmt: skip
        elif op[0] == "correct" and entries:
            entry = entries[op[1] % len(entries)]
            ledger_entry_correct(actor=cast.alice, entry=entry, minutes=op[2], reason="核对")
        elif op[0] == "confirm" and entries:
            ledger_entry_confirm(actor=cast.root, entry=entries[op[1] % len(entries)])
    except ValidationError:
        pass  # not a valid operation (implausible hours, nothing to change, confirmed twice)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_rebuilt_summaries_equal_the_incremental_ones(world: Any, operations: Any) -> None:
    with transaction.atomic():
        for op in operations:
            apply(world, op)
        incremental = snapshot()
        summaries_rebuild(actor=world.cast.root)
        assert snapshot() == incremental
        # And both are the plain sums of the entries behind them.
        total = LedgerEntry.objects.aggregate(m=Sum("minutes"))["m"] or 0
        assert (LedgerMonth.objects.aggregate(m=Sum("minutes"))["m"] or 0) == total
        transaction.set_rollback(True)


def test_the_command_rebuilds_and_is_audited(world: Any) -> None:
    activity = world.activities[1]
    ledger_entry_record(
        actor=world.cast.alice, volunteer=world.volunteers[0], activity=activity,
        service_date=day_of(activity), minutes=90,
    )  # fmt: skip
    before = snapshot()
    LedgerMonth.objects.all().delete()
    out = StringIO()
    call_command("stats_rebuild", stdout=out)
    assert "ledger_months: 1 rows" in out.getvalue()
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="stats.rebuild").exists()


def test_a_volunteer_serving_in_two_counties_counts_once_in_the_city(world: Any) -> None:
    cast, wang = world.cast, world.volunteers[0]
    rescue_jan = world.activities[6]  # 崇礼 rescue team, snow, January
    zhangbei_jan = world.activities[18]  # 张北 township team, snow, January
    for activity in (rescue_jan, zhangbei_jan):
        ledger_entry_record(
            actor=cast.alice, volunteer=wang, activity=activity,
            service_date=day_of(activity), minutes=60,
        )  # fmt: skip
    counts = dict(ActiveMonth.objects.filter(span="m").values_list("region_id", "volunteers"))
    assert counts[cast.city.pk] == 1
    assert counts[cast.chongli.pk] == 1
    assert counts[cast.zhangbei.pk] == 1
