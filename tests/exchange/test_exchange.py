"""The exchange format through the pages, the API and the commands: export (masked, or in full
with the roster export's rule), import (preview, then commit; idempotent; a changed record
becomes a correction), transfer (转移接续), the yearly statement, and their outsiders."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.conftest import login
from vetserve.audit.models import AuditEntry
from vetserve.exchange.fileformat import CSV_KEYS
from vetserve.exchange.models import ReceivedRecord
from vetserve.ledger.models import LedgerEntry, Source
from vetserve.ledger.selectors import volunteer_balance
from vetserve.ledger.services import ledger_entry_correct, ledger_entry_record
from vetserve.people.services import volunteer_update

DAY = date(2022, 2, 11)


def recorded(cast: Any, snow: Any, minutes: int = 120) -> LedgerEntry:
    return ledger_entry_record(
        actor=cast.dave, volunteer=snow.wang, activity=snow.activity, service_date=DAY,
        minutes=minutes,
    )  # fmt: skip


def export(client: Client, **fields: Any) -> Any:
    return client.post("/exchange/export/", {"format": "json", "values": "masked", **fields})


def test_an_administrator_exports_records_masked_from_home(
    client: Any, cast: Any, snow: Any
) -> None:
    entry = recorded(cast, snow)
    login(client, cast.bob)
    assert "/exchange/" in client.get("/").text
    assert client.get("/exchange/").status_code == 200
    response = export(client)
    document = json.loads(response.content)
    assert document["format"] == "vetserve-exchange" and document["version"] == 1
    (record,) = document["records"]
    assert record["record_id"] == entry.hash
    assert record["service_minutes"] == "120" and record["service_hours"] == "2.00"
    assert record["organizing_unit"] == cast.rescue.name
    (person,) = document["volunteers"]
    assert "*" in person["id_number"] and person["birth_date"] == "1970"
    assert AuditEntry.objects.filter(action="exchange.export").count() == 1


def test_the_csv_export_has_the_versioned_header_and_a_row_per_record(
    client: Any, cast: Any, snow: Any
) -> None:
    recorded(cast, snow)
    response = login(client, cast.bob).post(
        "/exchange/export/", {"format": "csv", "values": "masked"}
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == list(CSV_KEYS)
    assert lines[1].startswith("vetserve-exchange/1,")
    assert len(lines) == 2


def test_full_numbers_need_the_reveal_right_and_a_reason(client: Any, cast: Any, snow: Any) -> None:
    recorded(cast, snow)
    bob = login(client, cast.bob)
    refused = export(bob, values="full", reason="")
    assert refused.status_code == 400
    assert "请说明" in refused.text or "reason" in refused.text
    full = json.loads(export(bob, values="full", reason="移交省级平台").content)
    assert "*" not in full["volunteers"][0]["id_number"]
    assert AuditEntry.objects.get(action="exchange.export").reason == "移交省级平台"
    dave = login(Client(), cast.dave)  # a leader without the reveal permission
    assert export(dave, values="full", reason="移交").status_code == 403


@pytest.mark.parametrize("who", ["mallory", "erin"])
def test_outsiders_neither_export_nor_import(client: Any, cast: Any, snow: Any, who: str) -> None:
    recorded(cast, snow)
    login(client, getattr(cast, who))
    assert client.get("/exchange/").status_code == 404
    assert export(client).status_code == 404


def test_a_neighbour_exports_nothing_of_another_county(client: Any, cast: Any, snow: Any) -> None:
    recorded(cast, snow)
    document = json.loads(export(login(client, cast.carol)).content)
    assert document["records"] == [] and document["volunteers"] == []


def _full_file(cast: Any, snow: Any) -> bytes:
    client = login(Client(), cast.bob)
    return export(client, values="full", reason="移交").content


def test_import_previews_then_commits_and_a_second_import_adds_nothing(
    client: Any, cast: Any, snow: Any
) -> None:
    entry = recorded(cast, snow)
    data = _full_file(cast, snow)
    alice = login(client, cast.alice)
    upload = io.BytesIO(data)
    upload.name = "wang.json"
    preview = alice.post(
        "/exchange/import/", {"file": upload, "organization": cast.zhangbei_team.pk}
    )
    assert preview.status_code == 200
    # The record was made here: the same record, unchanged.
    assert "1 条记录已在本系统" in preview.text or preview.context["result"].unchanged == 1
    before = LedgerEntry.objects.count()
    token = preview.context["commit_form"].initial["token"]
    assert alice.post("/exchange/import/commit/", {"token": token}).status_code == 302
    assert LedgerEntry.objects.count() == before
    assert entry.pk


def _document(records: list[dict[str, str]], volunteer: dict[str, str]) -> bytes:
    return json.dumps(
        {
            "format": "vetserve-exchange",
            "version": 1,
            "numbers": "full",
            "volunteers": [{"ref": "1", **volunteer}],
            "records": [{**r, "volunteer": "1"} for r in records],
        },
        ensure_ascii=False,
        indent=1,
    ).encode()


PERSON = {
    "volunteer_number": "",
    "name": "赵志刚",
    "gender": "male",
    "birth_date": "1968-07-01",
    "id_number": "",  # filled in per test: a valid fictitious number
    "residence_area_code": "130722",
    "residence_area": "张北县",
    "phone": "13811112222",
    "skills": "驾驶",
    "service_categories": "交通疏导",
}


def record_of(record_id: str, minutes: int, day: str = "2021-12-20") -> dict[str, str]:
    from vetserve.exchange.fileformat import hours_text

    return {
        "record_id": record_id,
        "activity_name": "高速卡口值守",
        "service_date": day,
        "place": "张北收费站",
        "content": "车辆登记",
        "service_minutes": str(minutes),
        "service_hours": hours_text(minutes),
        "organizing_unit": "宣化区退役军人志愿服务队",
        "person_in_charge": "刘队长",
        "category": "checkpoint",
        "status": "confirmed",
        "recorded_at": "2021-12-21T09:00:00+08:00",
    }


def person() -> dict[str, str]:
    from vetserve.people.fakes import fictitious_id_number

    number = fictitious_id_number(
        address_code="130705", birth_date=date(1968, 7, 1), male=True, serial=7
    )
    return {**PERSON, "id_number": number}


FILES: list[Path] = []


@pytest.fixture(autouse=True)
def _files(tmp_path: Path) -> Any:
    FILES.insert(0, tmp_path)
    yield
    FILES.pop(0)


def run_import(user: str, org: Any, data: bytes, name: str = "in.json", commit: bool = True) -> str:
    """The import command's output; CommandError (raised) carries it too, as ``.output``."""
    path = FILES[0] / name
    path.write_bytes(data)
    out = io.StringIO()
    args = [str(path), "--user", user, "--organization", str(org.pk)]
    try:
        call_command("exchange_import", *args, *(["--commit"] if commit else []), stdout=out)
    except CommandError as error:
        error.output = out.getvalue()  # type: ignore[attr-defined]
        raise
    return out.getvalue()


def test_a_new_persons_records_come_in_as_transfer_in_of_the_recording_unit(cast: Any) -> None:
    data = _document([record_of("prov:1", 600), record_of("prov:2", 90, "2021-12-21")], person())
    assert "preview" in run_import("carol", cast.zhangbei_team, data, commit=False)
    assert not ReceivedRecord.objects.exists()
    assert "new_records 2" in run_import("carol", cast.zhangbei_team, data)
    entries = LedgerEntry.objects.filter(source=Source.TRANSFER_IN).order_by("service_date")
    assert [e.minutes for e in entries] == [600, 90]
    assert {e.organizing_unit for e in entries} == {"宣化区退役军人志愿服务队"}
    assert {e.organization_id for e in entries} == {cast.zhangbei_team.pk}
    # Again: nothing added.
    assert "unchanged 2" in run_import("carol", cast.zhangbei_team, data)
    assert LedgerEntry.objects.count() == 2
    assert AuditEntry.objects.filter(action="exchange.import").count() == 2


def test_a_changed_record_becomes_a_correction_not_an_edit(cast: Any) -> None:
    run_import("carol", cast.zhangbei_team, _document([record_of("prov:1", 600)], person()))
    changed = _document([record_of("prov:1", 540)], person())
    assert "corrected 1" in run_import("carol", cast.zhangbei_team, changed)
    original, correction = LedgerEntry.objects.order_by("seq")
    assert original.minutes == 600
    assert correction.source == Source.CORRECTION and correction.minutes == -60
    assert correction.refers_to_id == original.pk


def test_bad_rows_are_named_in_chinese_and_nothing_is_imported(cast: Any) -> None:
    bad = record_of("prov:2", 90)
    bad["service_date"] = "2022-02-30"
    data = _document([record_of("prov:1", 60), bad], person())
    with pytest.raises(CommandError) as refused:
        run_import("carol", cast.zhangbei_team, data)
    assert "row 2: 日期" in refused.value.output  # type: ignore[attr-defined]
    assert not LedgerEntry.objects.exists()
    masked = {**person(), "id_number": "130705********0071"}
    with pytest.raises(CommandError) as refused:
        run_import("carol", cast.zhangbei_team, _document([record_of("prov:1", 60)], masked))
    assert "完整号码" in refused.value.output  # type: ignore[attr-defined]
    assert not LedgerEntry.objects.exists()


def test_nobody_imports_into_an_organization_they_do_not_change(client: Any, cast: Any) -> None:
    data = _document([record_of("prov:1", 60)], person())
    upload = io.BytesIO(data)
    upload.name = "x.json"
    response = login(client, cast.carol).post(
        "/api/v1/exchange/import", {"file": upload, "organization_id": cast.rescue.pk}
    )
    assert response.status_code == 404
    assert not LedgerEntry.objects.exists()


def test_the_api_previews_and_commits_an_import(client: Any, cast: Any) -> None:
    data = _document([record_of("prov:1", 60)], person())
    carol = login(client, cast.carol)
    for commit in ("false", "true", "true"):
        upload = io.BytesIO(data)
        upload.name = "x.json"
        body = carol.post(
            "/api/v1/exchange/import",
            {"file": upload, "organization_id": cast.zhangbei_team.pk, "commit": commit},
        ).json()
    assert body["committed"] and body["unchanged"] == 1 and body["new_records"] == 0
    assert LedgerEntry.objects.count() == 1
    exported = carol.post(
        "/api/v1/exchange/export", {"format": "json"}, content_type="application/json"
    )
    assert json.loads(exported.content)["records"][0]["record_id"] == "prov:1"


# --- transfer (转移接续) ------------------------------------------------------------------------


def test_after_a_move_the_new_unit_sees_the_whole_history_and_the_old_unit_what_it_recorded(
    client: Any, cast: Any, snow: Any
) -> None:
    entry = recorded(cast, snow, 120)
    # Carol (张北) sees nothing of 王建国 while he is in 崇礼.
    carol = login(Client(), cast.carol)
    assert carol.get(f"/ledger/volunteer/{snow.wang.pk}/").status_code == 404
    volunteer_update(actor=cast.alice, volunteer=snow.wang, home_org=cast.zhangbei_team)
    page = carol.get(f"/ledger/volunteer/{snow.wang.pk}/")
    assert page.status_code == 200
    assert "太子城场馆除雪" in page.text
    # Still attributed to the unit that recorded it, and still its to correct.
    assert carol.get(f"/ledger/entry/{entry.pk}/").status_code == 200
    assert cast.rescue.name in carol.get(f"/ledger/entry/{entry.pk}/").text
    assert (
        carol.post(f"/ledger/entry/{entry.pk}/correct/", {"minutes": 60, "reason": "x"}).status_code
        == 404
    )
    # The old unit still sees what it recorded.
    bob = login(Client(), cast.bob)
    assert entry.pk in [e["id"] for e in bob.get("/api/v1/ledger/entries").json()["items"]]
    # The volunteer sees all of it.
    wang = login(Client(), snow.wang.user)
    assert "太子城场馆除雪" in wang.get("/ledger/me/").text
    # A fellow team member does not.
    assert login(Client(), cast.erin).get(f"/ledger/entry/{entry.pk}/").status_code == 404
    assert volunteer_balance(user=cast.carol, volunteer=snow.wang).total == 120


# --- the yearly statement ---------------------------------------------------------------------


def test_the_yearly_statement_totals_equal_the_ledger(client: Any, cast: Any, snow: Any) -> None:
    entry = recorded(cast, snow, 120)
    ledger_entry_correct(actor=cast.bob, entry=entry, minutes=150, reason="核对签到表")
    wang = login(client, snow.wang.user)
    assert "/exchange/statement/me/" in wang.get("/").text
    page = wang.get("/exchange/statement/me/?year=2022")
    statement = page.context["statement"]
    balance = volunteer_balance(user=snow.wang.user, volunteer=snow.wang)
    assert statement.total == balance.by_year[2022] == 150
    assert statement.by_month[2] == 150
    assert sum(n for _, n in statement.by_category) == 150
    pdf = wang.get("/exchange/statement/me/?year=2022&format=pdf")
    assert pdf.content.startswith(b"%PDF")
    xlsx = wang.get("/exchange/statement/me/?year=2022&format=xlsx")
    assert xlsx.content.startswith(b"PK")
    assert AuditEntry.objects.filter(action="exchange.statement").count() == 2
    api = login(Client(), cast.bob).get(
        f"/api/v1/exchange/volunteers/{snow.wang.pk}/statement?year=2022&format=pdf"
    )
    assert api.status_code == 200 and api.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["carol", "mallory", "erin", "frank_none"])
def test_outsiders_get_no_statement_of_a_person(
    client: Any, cast: Any, snow: Any, who: str
) -> None:
    recorded(cast, snow)
    user = cast.mallory if who == "frank_none" else getattr(cast, who)
    login(client, user)
    assert client.get(f"/exchange/statement/volunteer/{snow.wang.pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/exchange/volunteers/{snow.wang.pk}/statement?year=2022").status_code
        == 404
    )


# --- constant queries ---------------------------------------------------------------------------


def _queries(client: Client, fn: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn(client)
    return len(captured)


def test_the_export_and_the_statement_take_the_same_queries_for_1_or_20_records(
    cast: Any, snow: Any
) -> None:
    bob = login(Client(), cast.bob)
    wang = login(Client(), snow.wang.user)
    recorded(cast, snow, 10)
    few = (
        _queries(bob, lambda c: export(c, values="full", reason="移交")),
        _queries(wang, lambda c: c.get("/exchange/statement/me/?year=2022&format=xlsx")),
    )
    # 19 more people with a record each, one corrected.
    from tests.conftest import register_volunteer

    for serial in range(3, 22):
        other = register_volunteer(
            cast.bob, cast.rescue, name=f"队员{serial}", serial=serial,
            phone=f"139000{serial:05d}",
        )  # fmt: skip
        ledger_entry_record(
            actor=cast.dave, volunteer=other, activity=snow.activity, service_date=DAY,
            minutes=10,
        )  # fmt: skip
    first = LedgerEntry.objects.filter(source=Source.LEADER).first()
    assert first is not None
    ledger_entry_correct(actor=cast.bob, entry=first, minutes=20, reason="核对")
    many = (
        _queries(bob, lambda c: export(c, values="full", reason="移交")),
        _queries(wang, lambda c: c.get("/exchange/statement/me/?year=2022&format=xlsx")),
    )
    assert many == few
