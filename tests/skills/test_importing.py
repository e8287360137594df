"""Qualification import: the roster import's preview-then-commit rules, for certificates.

王建国 (the fixture ``wang``) belongs to Dave's 崇礼 rescue team; 李卫东 (``li``) to Carol's 张北
team. Bob runs 崇礼, Carol 张北.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import DatabaseError
from openpyxl import load_workbook

from tests.conftest import login
from tests.skills.conftest import qtype
from tests.spreadsheets.files import an_id, full_width, xlsx
from vetserve.audit.models import AuditEntry
from vetserve.badges.services import badge_issue
from vetserve.skills import importing
from vetserve.skills.importing import NEW, REFUSED, UPDATE, qualifications_import
from vetserve.skills.models import Qualification

HEADER = [
    "序号",
    "姓名",
    "公民身份号码",
    "证书名称",
    "证号",
    "发证单位",
    "发证日期",
    "有效期",
    "是否核验",
    "备注",
]
ID_WANG = an_id(serial=1)
ID_LI = an_id(serial=2)
NOT_MANAGED = "您管理的志愿者中没有这个号码"


def check(actor, data):
    return qualifications_import(actor=actor, data=data, filename="资格证书.xlsx")


def commit(actor, data):
    return qualifications_import(actor=actor, data=data, filename="资格证书.xlsx", commit=True)


def wang_file():
    return xlsx(
        [
            HEADER,
            [
                1,
                "王建国",
                full_width(ID_WANG),
                "救护员",
                full_width("HB-2021-0001"),
                "",
                full_width("2021年10月15日"),
                "",
                "是",
                "",
            ],
            [
                2,
                "王建国",
                ID_WANG,
                "执业医师",
                "110130709000001",
                "张家口市卫生健康委员会",
                datetime(2015, 7, 1),
                "长期",
                "否",
                "",
            ],
            [
                3,
                " 王建国 ",
                ID_WANG.lower(),
                "C1驾照",
                "130709197503151234",
                "",
                "2012-05-01",
                "2028/05/01",
                "√",
                "换证",
            ],
            [None, None, None, None, None, None, None, None, None, None],
        ],
        title="崇礼区退役军人志愿者资格证书登记表",
    )


def test_a_messy_file_is_understood_and_the_preview_writes_nothing(cast, wang):
    report = check(cast.bob, wang_file())
    assert report.file_errors == []
    assert report.header_row == 3  # below the merged title and the 填报单位 line
    assert report.ignored_columns == ["序号", "备注"]
    assert [(r.row_number, r.action, r.type_name) for r in report.rows] == [
        (4, NEW, "救护员证"),
        (5, NEW, "医师执业证书"),
        (6, NEW, "机动车驾驶证（C1）"),
    ]
    first, doctor, driver = report.rows
    assert first.number == "HB-2021-0001"  # full-width folded
    # No expiry written: the type's three years from the issue day, through the day before.
    assert first.expires_on == date(2021, 10, 15) + timedelta(
        days=qtype("rc_first_aider").validity_days - 1
    )
    assert doctor.expires_on is None and not doctor.verified
    assert driver.expires_on == date(2028, 5, 1) and driver.verified
    assert first.id_masked == wang.id_number_masked
    assert report.summary_line() == "new=3 updated=0 refused=0"
    assert not Qualification.objects.exists()


def test_committing_writes_every_row_through_the_service_and_audits_the_file(cast, wang):
    report = commit(cast.bob, wang_file())
    assert report.committed
    held = {q.type.code: q for q in Qualification.objects.filter(volunteer=wang)}
    assert set(held) == {"rc_first_aider", "physician", "licence_c1"}
    assert held["rc_first_aider"].issuer == "中国红十字会"  # the type's issuing body by default
    assert held["rc_first_aider"].verified_by == cast.bob
    assert held["physician"].expires_on is None and not held["physician"].is_verified
    assert {q.origin for q in held.values()} == {Qualification.Origin.IMPORTED}
    assert AuditEntry.objects.filter(action="qualification.add").count() == 3
    entry = AuditEntry.objects.get(action="qualification.import")
    assert entry.changes["new"] == [None, 3]


def test_the_preview_names_every_problem_in_chinese_row_by_row(cast, wang, li):
    wrong_check = ID_WANG[:-1] + ("0" if ID_WANG[-1] != "0" else "1")
    data = xlsx(
        [
            HEADER,
            [1, "王建国", ID_WANG, "救护员证", "A1", "", "2021-10-15", "", "是", ""],
            [2, "", an_id(serial=9), "救护员证", "A2", "", "2021-10-15", "", "", ""],
            [3, "", ID_LI, "救护员证", "A3", "", "2021-10-15", "", "", ""],
            [4, "", ID_WANG, "潜水证", "A4", "", "2021-10-15", "", "", ""],
            [5, "", ID_WANG, "救护员证", "A5", "", "2021-13-01", "", "", ""],
            [6, "", ID_WANG, "救护员证", "A6", "", "2021-10-15", "2020-01-01", "", ""],
            [7, "", ID_WANG, "救护员证", "A1", "", "2021-10-15", "", "", ""],
            [8, "", wrong_check, "救护员证", "A8", "", "2021-10-15", "", "", ""],
            [9, "张三", ID_WANG, "救护员证", "A9", "", "2021-10-15", "", "", ""],
            [10, "", ID_WANG, "救护员证", "A10", "", "", "", "", ""],
            [11, "", ID_WANG, "救护员证", "A11", "", "2021-10", "", "也许", ""],
        ]
    )
    report = check(cast.bob, data)
    assert report.summary_line() == "new=1 updated=0 refused=10"
    errors = {r.row_number: " ".join(r.errors) for r in report.rows if r.action == REFUSED}
    # Unknown and out of scope read the same: nothing said about 张北's volunteers.
    assert errors[5] == errors[6] == f"公民身份号码：{NOT_MANAGED}。"
    assert errors[7] == "证书名称：没有“潜水证”这种资格证书，请填写目录中的名称。"
    assert errors[8] == "发证日期：2021-13-01 不是有效日期。"
    assert errors[9] == "有效期：有效期截止日期早于发证日期。"
    assert errors[10] == "证号：同一志愿者的同一证书已在第 4 行。"
    assert errors[11].startswith("公民身份号码：") and "校验位" in errors[11]
    assert errors[12] == "姓名：姓名与志愿者登记的不一致。"
    assert errors[13] == "发证日期：请填写发证日期或有效期：救护员证有有效期。"
    assert "发证日期：请写完整日期" in errors[14] and "是否核验：请填写“是”或“否”。" in errors[14]
    assert not Qualification.objects.exists()


def test_files_without_the_needed_columns_say_so(cast):
    report = check(cast.bob, xlsx([["姓名", "证号", "发证日期"], ["王建国", "A1", "2021-10-15"]]))
    assert report.file_errors == ["文件缺少以下列：身份证号码/徽章编号、资格证书。"]
    report = check(cast.bob, b"\x00\x01 not a spreadsheet")
    assert report.file_errors and not report.rows


def test_a_volunteer_is_found_by_badge_number_too(cast, wang):
    badge = badge_issue(actor=cast.bob, volunteer=wang, issued_on=date(2021, 9, 30))
    data = xlsx(
        [
            ["徽章编号", "资格证书", "证书编号", "有效期至"],
            [badge.number.lower(), "志愿者意外伤害保险", "PICC-1", "2022-12-31"],
            ["ZJK-130709-99999", "志愿者意外伤害保险", "PICC-2", "2022-12-31"],
        ],
        title=None,
    )
    report = check(cast.bob, data)
    assert [r.action for r in report.rows] == [NEW, REFUSED]
    assert report.rows[0].name == "王建国"
    assert report.rows[1].errors == [f"徽章编号：{NOT_MANAGED}。"]


def test_a_database_failure_while_writing_leaves_nothing_written(cast, wang, monkeypatch):
    calls = []
    real = importing.qualification_add

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(importing, "qualification_add", failing)
    with pytest.raises(DatabaseError):
        commit(cast.bob, wang_file())
    assert not Qualification.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="qualification.").exists()


def test_importing_again_updates_instead_of_duplicating(cast, wang):
    commit(cast.bob, wang_file())
    again = commit(cast.bob, wang_file())
    assert again.summary_line() == "new=0 updated=3 refused=0"
    assert all(r.action == UPDATE and not r.changes for r in again.rows)
    assert Qualification.objects.count() == 3
    # The renewed first-aid certificate (same number): new dates, now verified.
    renewed = xlsx(
        [
            HEADER,
            [
                1,
                "王建国",
                ID_WANG,
                "救护员证",
                "HB-2021-0001",
                "",
                "2021-10-15",
                "2025-10-14",
                "是",
                "",
            ],
            [2, "王建国", ID_WANG, "医师执业证书", "110130709000001", "", "", "", "是", ""],
        ]
    )
    report = commit(cast.bob, renewed)
    assert report.summary_line() == "new=0 updated=2 refused=0"
    assert report.rows[0].changes == ["有效期"]
    assert report.rows[1].changes == ["发证单位", "是否核验"]
    assert Qualification.objects.count() == 3
    doctor = Qualification.objects.get(type__code="physician")
    assert doctor.is_verified and doctor.issued_on == date(2015, 7, 1)
    assert doctor.issuer == "卫生健康行政部门"  # an empty issuer falls back to the type's body
    assert Qualification.objects.get(type__code="rc_first_aider").expires_on == date(2025, 10, 14)
    assert AuditEntry.objects.filter(action="qualification.update").count() == 2


def test_a_county_admin_cannot_import_for_another_countys_volunteers(cast, wang, li):
    report = commit(cast.carol, wang_file())
    assert report.summary_line() == "new=0 updated=0 refused=3"
    assert all(r.errors == [f"公民身份号码：{NOT_MANAGED}。"] for r in report.rows)
    assert not Qualification.objects.exists()
    with pytest.raises(PermissionDenied):
        check(cast.mallory, wang_file())
    with pytest.raises(PermissionDenied):
        check(cast.frank, wang_file())  # the auditor reads, never writes


def test_the_team_leader_imports_for_the_members_of_the_team(cast, wang, li):
    data = xlsx([HEADER, [1, "", ID_WANG, "救护员证", "A1", "", "2021-10-15", "", "否", ""]])
    assert commit(cast.dave, data).summary_line() == "new=1 updated=0 refused=0"


# --- the pages and the command ----------------------------------------------------------------


def test_the_pages_preview_then_commit_once(cast, wang, client):
    login(client, cast.bob)
    page = client.get("/spreadsheets/qualifications/import/")
    assert page.status_code == 200
    upload = io.BytesIO(wang_file())
    upload.name = "资格证书.xlsx"
    preview = client.post("/spreadsheets/qualifications/import/", {"file": upload})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "救护员证" in text and "HB-2021-0001" in text and wang.id_number_masked in text
    assert not Qualification.objects.exists()
    token = preview.context["commit_form"].initial["token"]
    done = client.post("/spreadsheets/qualifications/import/commit/", {"token": token})
    assert done.status_code == 200
    assert Qualification.objects.count() == 3
    # The token is spent: a second post writes nothing more.
    again = client.post("/spreadsheets/qualifications/import/commit/", {"token": token})
    assert again.status_code == 302
    assert Qualification.objects.count() == 3


def test_people_who_change_nothing_get_no_qualification_import(cast, client):
    for user in (cast.mallory, cast.frank):
        login(client, user)
        assert client.get("/spreadsheets/qualifications/import/").status_code == 404
        assert client.get("/spreadsheets/qualifications/template.xlsx").status_code == 404


def test_the_template_lists_the_types_and_is_understood_by_the_import(cast, wang, client):
    login(client, cast.bob)
    response = client.get("/spreadsheets/qualifications/template.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    sheet.append(["王建国", ID_WANG, "", "急救员（高级）证", "J-1", "", "2021-11-01", "", "是"])
    listed = [row[0] for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert "救护员证" in listed and "机动车驾驶证（C1）" in listed
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = check(cast.bob, buffer.getvalue())
    assert report.file_errors == []
    assert [(r.action, r.type_name) for r in report.rows] == [(NEW, "急救员（高级）证")]


def _run(*args: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().splitlines()


def test_the_command_prints_problems_then_one_summary_line(cast, wang, li, tmp_path: Path):
    path = tmp_path / "资格证书.xlsx"
    rows = [
        HEADER,
        [1, "", ID_WANG, "救护员证", "A1", "", "2021-10-15", "", "是", ""],
        [2, "", ID_LI, "救护员证", "A2", "", "2021-10-15", "", "是", ""],
    ]
    path.write_bytes(xlsx(rows))
    dry = _run("import_qualifications", str(path), "--as", "bob", "--dry-run")
    assert dry == [f"row 5: 公民身份号码：{NOT_MANAGED}。", "new=1 updated=0 refused=1"]
    assert not Qualification.objects.exists()
    assert (
        _run("import_qualifications", str(path), "--as", "bob")[-1] == "new=1 updated=0 refused=1"
    )
    # Without --as it acts as the only superuser, who manages everyone.
    assert _run("import_qualifications", str(path))[-1] == "new=1 updated=1 refused=0"
    assert Qualification.objects.count() == 2
    assert AuditEntry.objects.filter(action="qualification.import", via="cli").count() == 2
