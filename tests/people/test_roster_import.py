from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError

from tests.spreadsheets.files import an_id, csv_bytes, full_width, xls, xlsx
from vetserve.audit.models import AuditEntry
from vetserve.people import bulk, importing
from vetserve.people import services as people
from vetserve.people.importing import NEW, REFUSED, UPDATE, roster_import
from vetserve.people.models import Consent, Status, StatusChange, Volunteer

HEADER = [
    "序号",
    "名字",
    "性 别",
    "公民身份号码",
    "联系电话",
    "居住地",
    "所属组织",
    "入伍时间",
    "政治面貌",
    "备注",
]
TEAM = "西湾子镇退役军人志愿服务队"
ID_A = an_id(serial=1)
ID_B = an_id(serial=2)
ID_C = an_id(serial=3)
ID_F = an_id(serial=4, male=False)
ID_ZB = an_id("130722", serial=5)


def check(actor, data, org=None, name="花名册.xlsx"):
    return roster_import(actor=actor, data=data, filename=name, default_org=org)


def commit(actor, data, org=None, name="花名册.xlsx"):
    return roster_import(actor=actor, data=data, filename=name, default_org=org, commit=True)


def good_rows():
    return [
        HEADER,
        [
            1,
            "王建国",
            "男",
            full_width(ID_A),
            full_width("139 0000 1111"),
            "西湾子镇",
            TEAM,
            "1993年12月",
            "中共党员",
            "",
        ],
        [2, "李卫东", "", ID_B.lower(), 13700002222, "崇礼区高家营镇", TEAM, 1995, "群众", ""],
        [3, "赵秀英", "女", ID_F, "13600003333", "", "", "", "", "备注"],
        [4, None, None, None, None, None, None, None, None, None],
    ]


def test_the_preview_names_every_problem_in_chinese_with_its_row_and_column(cast):
    wrong_check = ID_B[:-1] + ("0" if ID_B[-1] != "0" else "1")
    data = xlsx(
        [
            HEADER,
            [1, "王建国", "男", full_width(ID_A), "13900001111", "西湾子镇", TEAM, "", "", ""],
            [2, "李卫东", "男", wrong_check, "13700002222", "", TEAM, "", "", ""],
            [3, "赵刚", "男", 1.30722197503159e17, "13600003333", "", TEAM, "", "", ""],
            [4, "孙强", "男", ID_C, "", "", TEAM, "", "", ""],
            [5, "周丽", "女", an_id(serial=6), "13500005555", "", TEAM, "", "", ""],
            [6, "吴磊", "男", an_id(serial=7), "13400004444", "", "不存在的服务队", "", "", ""],
            [7, "王建国", "男", ID_A, "13900001111", "", TEAM, "", "", ""],
        ]
    )
    report = check(cast.bob, data)
    assert report.file_errors == []
    assert report.header_row == 3  # below the merged title and the 填报单位 line
    assert [(r.row_number, r.action) for r in report.rows] == [
        (4, NEW),
        (5, REFUSED),
        (6, REFUSED),
        (7, REFUSED),
        (8, REFUSED),
        (9, REFUSED),
        (10, REFUSED),
    ]
    errors = {r.row_number: " ".join(r.errors) for r in report.rows}
    assert errors[5].startswith("公民身份号码：") and "校验位" in errors[5]
    assert "1.30722E+17" in errors[6] and "Excel" in errors[6] and "丢失" in errors[6]
    assert errors[7] == "联系电话：缺少电话号码。"
    assert errors[8] == "性 别：性别与身份证号码不符。"
    assert errors[9].startswith("所属组织：") and "不存在的服务队" in errors[9]
    assert "第 4 行" in errors[10]
    assert report.ignored_columns == ["序号", "备注"]
    assert report.summary_line() == "new=1 updated=0 refused=6"
    assert not Volunteer.objects.exists()  # a preview writes nothing


def test_a_good_file_commits_every_row_with_what_registration_records(cast):
    report = commit(cast.bob, xlsx(good_rows()), org=cast.xiwanzi_team)
    assert report.summary_line() == "new=3 updated=0 refused=0"
    wang = Volunteer.objects.get(name="王建国")
    assert people.volunteer_reveal_value(wang, "id_number") == ID_A
    assert people.volunteer_reveal_value(wang, "phone") == "13900001111"
    assert wang.phone_masked == "139****1111" and wang.name_initials == "wjg"
    assert (wang.gender, wang.birth_date) == ("male", date(1975, 3, 15))
    assert wang.residence_region == cast.xiwanzi and wang.home_org == cast.xiwanzi_team
    assert (wang.enlisted_year, wang.party, wang.status) == (1993, "member", Status.ACTIVE)
    li = Volunteer.objects.get(name="李卫东")
    assert li.residence_region.name == "高家营镇" and li.party == "none"
    zhao = Volunteer.objects.get(name="赵秀英")
    assert zhao.gender == "female" and zhao.residence_region == cast.xiwanzi_team.region
    assert StatusChange.objects.filter(to_status=Status.ACTIVE, actor=cast.bob).count() == 3
    assert Consent.objects.filter(purpose="registration", granted=True).count() == 3
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.changes["new"] == [None, 3] and len(entry.changes["sha256"][1]) == 64
    assert entry.organization_id == cast.xiwanzi_team.pk and entry.actor == cast.bob


@pytest.mark.parametrize("failing", ["after_volunteers", "audit"])
def test_a_database_failure_while_writing_leaves_nothing_written(cast, monkeypatch, failing):
    existing = people.volunteer_register(
        actor=cast.bob,
        name="王建国",
        id_number=ID_A,
        phone="13000000000",
        residence_region=cast.xiwanzi,
        home_org=cast.xiwanzi_team,
    )

    def boom(*args, **kwargs):
        raise DatabaseError("disk full")

    if failing == "after_volunteers":
        monkeypatch.setattr(bulk, "_ids_by_index", boom)
    else:
        monkeypatch.setattr(importing, "audit_record", boom)
    with pytest.raises(DatabaseError):
        commit(cast.bob, xlsx(good_rows()), org=cast.xiwanzi_team)
    assert list(Volunteer.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.phone_masked == "130****0000"
    assert not AuditEntry.objects.filter(action__in=["roster.import", "volunteer.update"]).exists()


def test_importing_the_same_file_again_updates_instead_of_duplicating(cast):
    data = xlsx(good_rows())
    commit(cast.bob, data, org=cast.xiwanzi_team)
    again = commit(cast.bob, data, org=cast.xiwanzi_team)
    assert again.summary_line() == "new=0 updated=3 refused=0"
    assert all(r.changes == [] for r in again.rows)
    assert Volunteer.objects.count() == 3
    assert not AuditEntry.objects.filter(action="volunteer.update").exists()

    rows = good_rows()
    rows[1][4] = "13911112222"
    rows[1][5] = ""  # an empty cell changes nothing
    changed = commit(cast.bob, xlsx(rows), org=cast.xiwanzi_team)
    assert changed.rows[0].action == UPDATE and changed.rows[0].changes == ["联系电话"]
    wang = Volunteer.objects.get(name="王建国")
    assert people.volunteer_reveal_value(wang, "phone") == "13911112222"
    assert wang.residence_region == cast.xiwanzi
    entry = AuditEntry.objects.get(action="volunteer.update")
    assert entry.changes == {"phone": ["139****1111", "139****2222"]}


def test_a_person_registered_outside_the_importers_scope_is_refused_without_details(cast):
    people.volunteer_register(
        actor=cast.carol,
        name="张北人",
        id_number=ID_ZB,
        phone="13800008888",
        residence_region=cast.zhangbei,
        home_org=cast.zhangbei_team,
    )
    rows = [HEADER, [1, "张北人", "", ID_ZB, "13800008888", "", TEAM, "", "", ""]]
    report = check(cast.bob, xlsx(rows))
    assert report.rows[0].action == REFUSED
    message = report.rows[0].errors[0]
    assert message.startswith("公民身份号码：") and "其他组织" in message
    assert "张北人" not in message and "张北镇" not in message
    # The city administrator may change both counties: the same row is an update (a move).
    city = check(cast.alice, xlsx(rows))
    assert city.rows[0].action == UPDATE and city.rows[0].changes == ["所属组织"]


def test_a_county_admin_cannot_import_into_another_county(cast):
    with pytest.raises(PermissionDenied):
        check(cast.carol, xlsx(good_rows()), org=cast.xiwanzi_team)
    rows = [HEADER, [1, "王建国", "", ID_A, "13900001111", "", TEAM, "", "", ""]]
    report = check(cast.carol, xlsx(rows), org=cast.zhangbei_team)
    assert report.rows[0].action == REFUSED
    assert report.rows[0].errors[0].startswith("所属组织：")
    for nobody in (cast.mallory, cast.erin, cast.frank):
        with pytest.raises(PermissionDenied):
            check(nobody, xlsx(rows))


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_the_encodings_offices_save(cast, encoding):
    rows = [
        ["姓名", "身份证号码", "手机号码", "性别", "出生日期", "紧急联系人", "紧急联系电话"],
        ["王建国", ID_A, "139-0000-1111", "男", "1975/3/15", "王某", "0313-1234567"],
        ["赵秀英", ID_F, "+86 136 0000 3333", "女", "1975年3月", "", ""],
    ]
    report = commit(
        cast.bob, csv_bytes(rows, encoding=encoding), org=cast.xiwanzi_team, name="x.csv"
    )
    assert report.summary_line() == "new=2 updated=0 refused=0", report.problems
    wang = Volunteer.objects.get(name="王建国")
    assert wang.emergency_name == "王某" and wang.emergency_phone_masked == "0313-***4567"


def test_an_old_xls_file_with_numeric_cells_and_a_lost_id(cast):
    data = xls(
        [
            ["姓名", "身份证号", "联系电话", "所属组织", "退伍时间"],
            ["王建国", ID_A, 13900001111, TEAM, 1996],
            ["赵刚", 1.30722197503159e17, 13600003333, TEAM, 1996],
        ]
    )
    report = commit(cast.bob, data, name="名册.xls")
    assert report.kind == "xls" and report.header_row == 2
    assert [r.action for r in report.rows] == [NEW, REFUSED]
    assert "1.30722E+17" in report.rows[1].errors[0]
    assert Volunteer.objects.get().discharged_year == 1996


def test_bad_values_are_refused_column_by_column(cast):
    rows = [
        [
            "姓名",
            "身份证号",
            "手机",
            "出生日期",
            "军种",
            "政治面貌",
            "入伍年份",
            "退役年份",
            "居住地",
        ],
        ["王建国", ID_A, "12345", "1975-03-16", "骑兵", "会员", "一九九三", "1990", "不存在镇"],
    ]
    report = check(cast.bob, xlsx(rows), org=cast.xiwanzi_team)
    columns = [e.split("：")[0] for e in report.rows[0].errors]
    assert columns == ["出生日期", "手机", "居住地", "军种", "政治面貌", "入伍年份"]
    rows[1][6] = "1993"
    report = check(cast.bob, xlsx(rows), org=cast.xiwanzi_team)
    assert "退役年份" in [e.split("：")[0] for e in report.rows[0].errors]


def test_files_that_cannot_be_imported_say_why(cast):
    assert check(cast.bob, b"").file_errors
    assert check(cast.bob, b"PK\x03\x04 not a workbook").file_errors
    no_header = check(cast.bob, xlsx([["a", "b"], ["c", "d"]]))
    assert "表头" in no_header.file_errors[0]
    no_phone = check(cast.bob, xlsx([["姓名", "身份证号"], ["王建国", ID_A]]))
    assert "手机" in no_phone.file_errors[0]
    no_org = check(cast.bob, xlsx([["姓名", "身份证号", "手机"], ["王建国", ID_A, "13900001111"]]))
    assert "所属组织" in no_org.file_errors[0]


def test_the_registration_consent_and_status_match_a_single_registration(cast):
    commit(cast.bob, xlsx(good_rows()[:2]), org=cast.xiwanzi_team)
    imported = Volunteer.objects.get()
    single = people.volunteer_register(
        actor=cast.bob,
        name="对照",
        id_number=ID_C,
        phone="13900001111",
        residence_region=cast.xiwanzi,
        home_org=cast.xiwanzi_team,
    )
    changes, consents = [], []
    for volunteer in (imported, single):
        change = volunteer.status_changes.get()
        consent = volunteer.consents.get()
        changes.append((change.from_status, change.to_status, change.reason, change.actor))
        consents.append(
            (consent.purpose, consent.granted, consent.text_version, consent.recorded_by)
        )
    assert changes[0] == changes[1] and consents[0] == consents[1]
    assert consents[0][2:] == (people.CONSENT_TEXT_VERSION, cast.bob)
    assert imported.region_id == single.region_id == cast.xiwanzi_team.region_id


def test_an_imported_volunteer_has_the_columns_a_single_registration_writes(cast):
    commit(cast.bob, xlsx(good_rows()[:2]), org=cast.xiwanzi_team)
    imported = Volunteer.objects.get()
    single = people.volunteer_register(
        actor=cast.bob,
        name="王建国",
        id_number=ID_C,
        phone="13900001111",
        residence_region=cast.xiwanzi,
        home_org=cast.xiwanzi_team,
        enlisted_year=1993,
        party="member",
    )
    single.refresh_from_db()
    differ = {"id", "id_number_enc", "id_number_index", "id_number_masked", "phone_enc"}
    differ |= {"created_at", "updated_at", "birth_date_enc"}  # a fresh nonce each time
    for field in Volunteer._meta.concrete_fields:
        if field.attname not in differ:
            assert getattr(imported, field.attname) == getattr(single, field.attname), field
    assert imported.birth_date == single.birth_date
    assert imported.created_at is not None and imported.updated_at == imported.created_at
    assert people.volunteer_reveal_value(imported, "phone") == "13900001111"


def test_the_content_decides_the_format_not_the_file_name(cast):
    # WPS saves .et files as Excel containers; offices rename files freely.
    for name, data in (
        ("名册.et", xlsx(good_rows())),
        ("名册.xlsx", csv_bytes(good_rows(), encoding="gbk")),
    ):
        report = check(cast.bob, data, org=cast.xiwanzi_team, name=name)
        assert report.summary_line() == "new=3 updated=0 refused=0", name
