"""The import as properties (hypothesis): a file of the exchange format imported into a
database with none of its people or records, then exported, gives the same file; importing it
again adds nothing. The files are those an export writes (records by date and id, hours
matching minutes), in JSON and CSV."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vetserve.exchange.fileformat import csv_document, hours_text, json_document
from vetserve.exchange.selectors import Selection
from vetserve.exchange.services import exchange_export, exchange_import
from vetserve.ledger.models import LedgerEntry
from vetserve.people.fakes import fictitious_id_number

TEXT = st.text(alphabet="除雪卡口值守消毒张北崇礼队长 abc-", max_size=20).map(str.strip)
RECORDS = st.lists(
    st.tuples(
        st.integers(0, 1),  # which of two people
        st.integers(0, 400),  # day offset
        st.integers(0, 24 * 60),  # minutes
        TEXT.filter(bool),  # activity
        TEXT,  # place
        st.sampled_from(["", "checkpoint", "snow_ice"]),
        st.booleans(),  # confirmed at the source
    ),
    min_size=1,
    max_size=8,
)


def _people() -> list[dict[str, str]]:
    return [
        {
            "volunteer_number": "",
            "name": name,
            "gender": "male",
            "birth_date": born.isoformat(),
            "id_number": fictitious_id_number(
                address_code="130722", birth_date=born, male=True, serial=serial
            ),
            "residence_area_code": "130722",
            "residence_area": "张北县",
            "phone": phone,
            "skills": "",
            "service_categories": "",
        }
        for name, born, serial, phone in (
            ("赵志刚", date(1968, 7, 1), 11, "13811112222"),
            ("钱立新", date(1972, 1, 9), 13, "13933334444"),
        )
    ]


def _rows(drawn: list[tuple[Any, ...]]) -> list[tuple[dict[str, str], dict[str, str]]]:
    people = _people()
    rows = []
    for index, (who, offset, minutes, activity, place, category, confirmed) in enumerate(drawn):
        rows.append(
            (
                {
                    "record_id": f"prov:{index:04d}",
                    "activity_name": activity,
                    "service_date": (date(2021, 1, 1) + timedelta(days=offset)).isoformat(),
                    "place": place,
                    "content": "",
                    "service_minutes": str(minutes),
                    "service_hours": hours_text(minutes),
                    "organizing_unit": "宣化区退役军人志愿服务队",
                    "person_in_charge": "刘队长",
                    "category": category,
                    "status": "confirmed" if confirmed else "recorded",
                    "recorded_at": "2022-03-01T09:30:00+08:00",
                },
                people[who],
            )
        )
    rows.sort(key=lambda row: (row[0]["service_date"], row[0]["record_id"]))
    return rows


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=RECORDS, fmt=st.sampled_from(["json", "csv"]))
def test_import_then_export_gives_the_same_file_and_a_second_import_adds_nothing(
    cast: Any, drawn: list[tuple[Any, ...]], fmt: str
) -> None:
    rows = _rows(drawn)
    document = csv_document(rows) if fmt == "csv" else json_document(rows, numbers="full")
    with transaction.atomic():
        result = exchange_import(
            actor=cast.carol, organization=cast.zhangbei_team, data=document, fmt=fmt,
            commit=True,
        )  # fmt: skip
        assert result.committed, result.errors
        assert result.new_records == len(rows)
        exported = exchange_export(
            actor=cast.carol,
            fmt=fmt,
            selection=Selection(organization_id=cast.zhangbei_team.pk),
            full=True,
            reason="往返测试",
        )
        assert exported.content == document
        count = LedgerEntry.objects.count()
        again = exchange_import(
            actor=cast.carol, organization=cast.zhangbei_team, data=document, fmt=fmt,
            commit=True,
        )  # fmt: skip
        assert again.unchanged == len(rows) and again.new_records == 0
        assert LedgerEntry.objects.count() == count
        transaction.set_rollback(True)
