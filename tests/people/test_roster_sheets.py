from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from python_calamine import CalamineWorkbook

from tests.conftest import login
from tests.conftest import register_volunteer as register
from tests.spreadsheets.files import an_id, xlsx
from vetserve.audit.models import AuditEntry
from vetserve.core.models import SealedFile
from vetserve.people import services as people
from vetserve.people.exporting import roster_template
from vetserve.people.models import Volunteer
from vetserve.people.roster_columns import COLUMNS, column_key
from vetserve.spreadsheets import uploads
from vetserve.spreadsheets.writers import neutralize

TEAM = "西湾子镇退役军人志愿服务队"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background imports run inside the request that queues them (no worker in tests)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


IMPORT = "/spreadsheets/roster/import/"
EXPORT = "/spreadsheets/roster/export/"
ID_A = an_id(serial=1)
ID_B = an_id(serial=2)
ID_ZB = an_id("130722", serial=3)


def roster_file() -> bytes:
    return xlsx(
        [
            ["姓名", "身份证号", "手机", "所属组织"],
            ["王建国", ID_A, "13900001111", TEAM],
            ["李卫东", ID_B, "13700002222", ""],
            ["赵刚", "1.30722E+17", "13600003333", TEAM],
        ]
    )


def upload(client, data: bytes, name: str = "花名册.xlsx", org=None, follow=False):
    payload = {"file": _named(data, name)}
    if org is not None:
        payload["organization"] = str(org.pk)
    return client.post(IMPORT, payload, follow=follow)


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def grant_reveal(user):
    user.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


# --- the import pages -------------------------------------------------------------------------


def test_the_preview_page_lists_problems_by_row_and_writes_nothing(cast, client):
    login(client, cast.bob)
    assert client.get(IMPORT).status_code == 200
    response = upload(client, roster_file(), org=cast.xiwanzi_team, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1.30722E+17" in page and "丢失" in page
    report = response.context["report"]
    assert (report["new"], report["updated"], report["refused"]) == (2, 0, 1)
    assert [r["row_number"] for r in response.context["problems"]] == [6]
    assert not Volunteer.objects.exists()


def test_committing_writes_the_checked_rows_once_and_needs_the_consent_box(cast, client):
    login(client, cast.bob)
    job = upload(client, roster_file(), org=cast.xiwanzi_team, follow=True).context["job"]
    commit = f"/spreadsheets/roster/import/jobs/{job.pk}/commit/"
    refused = client.post(commit, {})
    assert refused.status_code == 200 and not Volunteer.objects.exists()
    done = client.post(commit, {"consent": "on"}, follow=True)
    assert done.status_code == 200
    assert done.context["written"] == {"new": 2, "updated": 0, "refused": 1}
    assert Volunteer.objects.count() == 2
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.via == "web" and entry.changes["file"] == [None, "花名册.xlsx"]
    # The job is saved: the same job cannot write twice.
    again = client.post(commit, {"consent": "on"})
    assert again.status_code == 302 and Volunteer.objects.count() == 2


def test_people_who_change_nothing_get_no_import_page(cast, client):
    for user in (cast.mallory, cast.erin, cast.frank):
        login(client, user)
        assert client.get(IMPORT).status_code == 404
        assert client.get("/spreadsheets/roster/template.xlsx").status_code == 404


def test_a_county_admin_cannot_choose_another_countys_organization(cast, client):
    login(client, cast.carol)
    response = upload(client, roster_file(), org=cast.xiwanzi_team)
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    assert not Volunteer.objects.exists()


def test_the_template_is_understood_by_the_import(cast, client):
    login(client, cast.bob)
    response = client.get("/spreadsheets/roster/template.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header = [str(cell) for cell in rows[1]]
    assert header[0] == "姓名" and len(header) == 17
    assert [column_key(title) for title in header] == [c.key for c in COLUMNS]


# --- exports ----------------------------------------------------------------------------------


def _xlsx_rows(response) -> list[list[str]]:
    data = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return [[str(c) for c in row] for row in sheet.to_python()]


def test_exports_are_masked_by_default_scoped_and_audited(cast, client):
    register(cast.bob, cast.xiwanzi_team, ID_A, "王建国")
    register(cast.carol, cast.zhangbei_team, ID_ZB, "张北人")
    login(client, cast.carol)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content)
    assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    decoded = text.decode("utf-8-sig")
    assert "张北人" in decoded and "王建国" not in decoded
    assert ID_ZB not in decoded and ID_ZB[:6] + "********" + ID_ZB[-4:] in decoded
    entry = AuditEntry.objects.get(action="roster.export")
    assert entry.actor == cast.carol and entry.changes["rows"] == [None, 1]
    assert entry.changes["revealed"] == [None, 0] and entry.region_id == cast.zhangbei.pk

    login(client, cast.bob)
    rows = _xlsx_rows(client.get(EXPORT, {"format": "xlsx", "q": "王"}))
    assert [r[0] for r in rows] == ["姓名", "王建国"]
    assert rows[1][3] == ID_A[:6] + "********" + ID_A[-4:]


def test_outsiders_get_no_export(cast, client):
    register(cast.bob, cast.xiwanzi_team, ID_A, "王建国")
    for user in (cast.mallory, cast.erin):
        login(client, user)
        assert client.get(EXPORT).status_code == 404
    login(client, cast.carol)
    assert client.get(EXPORT, {"region": cast.chongli.code}).status_code == 404
    assert not AuditEntry.objects.filter(action="roster.export").exists()


def test_a_full_export_needs_the_reveal_right_and_a_reason_and_is_audited(cast, client):
    register(cast.bob, cast.xiwanzi_team, ID_A, "王建国")
    full = {"format": "csv", "values": "full", "reason": "核对保险"}
    # Dave leads a team: full numbers only with the separate permission. Frank audits 崇礼:
    # masked only, whatever he was given.
    for user in (cast.dave, grant_reveal(cast.frank)):
        login(client, user)
        assert client.get(EXPORT, {"reveal": "1"}).status_code == 403
        assert client.post(EXPORT, full).status_code == 403
        page = client.get(EXPORT, {"choose": "1"})
        assert page.status_code == 200 and 'value="full"' not in page.content.decode()
    assert not AuditEntry.objects.filter(action="roster.export").exists()
    # Bob administers 崇礼: the right comes with the role.
    login(client, cast.bob)
    form = client.get(EXPORT, {"reveal": "1", "format": "csv"})
    assert form.status_code == 200 and "reason" in form.context["form"].fields
    assert 'value="full"' in form.content.decode()
    refused = client.post(EXPORT, {**full, "reason": " "})
    assert refused.status_code == 400 and "说明" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="roster.export").exists()
    masked = client.post(EXPORT, {**full, "values": "masked"})
    assert ID_A not in b"".join(masked.streaming_content).decode("utf-8-sig")
    response = client.post(EXPORT, full)
    assert response.status_code == 200
    assert ID_A in b"".join(response.streaming_content).decode("utf-8-sig")
    entry = AuditEntry.objects.filter(action="roster.export").latest("pk")
    assert entry.reason == "核对保险" and entry.changes["revealed"] == [None, 1]
    assert entry.changes["rows"] == [None, 1] and entry.actor == cast.bob
    assert ID_A not in str(entry.changes) and ID_A[-4:] not in str(entry.changes)


def test_a_full_export_shows_full_numbers_only_where_the_user_may_change(cast, client):
    volunteer = register(cast.bob, cast.xiwanzi_team, ID_A, "王建国")
    people.membership_add(
        actor=cast.bob,
        volunteer=volunteer,
        organization=cast.rescue,
        role="member",
        started_on=volunteer.created_at.date(),
    )
    # Dave leads the rescue team: he sees its member, but manages only the team's own people.
    dave = grant_reveal(cast.dave)
    login(client, dave)
    response = client.post(EXPORT, {"format": "csv", "values": "full", "reason": "出勤核对"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "王建国" in text and ID_A not in text


def test_cells_that_would_run_as_formulas_are_neutralised(cast, client):
    register(
        cast.bob,
        cast.xiwanzi_team,
        ID_A,
        "王建国",
        address='=HYPERLINK("http://evil.example","点我")',
        skills_note="@SUM(1+1)",
    )
    login(client, cast.bob)
    csv_text = b"".join(client.get(EXPORT, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM" in csv_text
    rows = _xlsx_rows(client.get(EXPORT, {"format": "xlsx"}))
    assert '\'=HYPERLINK("http://evil.example","点我")' in rows[1]
    assert [neutralize(x) for x in ("-1", "+1", "\t=1", "\r=1", "正常", "")] == [
        "'-1",
        "'+1",
        "'\t=1",
        "'\r=1",
        "正常",
        "",
    ]


# --- commands ---------------------------------------------------------------------------------


def _run(*args: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().splitlines()


def test_the_import_command_prints_problems_then_one_summary_line(cast, tmp_path: Path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(roster_file())
    dry = _run("import_roster", str(path), "--org", TEAM, "--as", "bob", "--dry-run")
    assert dry[-1] == "new=2 updated=0 refused=1"
    assert dry[0].startswith("row 6: 身份证号：")
    assert not Volunteer.objects.exists()
    assert _run("import_roster", str(path), "--org", TEAM, "--as", "bob")[-1] == (
        "new=2 updated=0 refused=1"
    )
    # Without --as it acts as the only superuser.
    assert _run("import_roster", str(path), "--org", str(cast.xiwanzi_team.pk))[-1] == (
        "new=0 updated=2 refused=1"
    )
    assert AuditEntry.objects.filter(action="roster.import", via="cli").count() == 2


def test_the_import_command_refuses_an_organization_out_of_scope(cast, tmp_path: Path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(roster_file())
    with pytest.raises(CommandError):
        _run("import_roster", str(path), "--org", TEAM, "--as", "carol")
    with pytest.raises(CommandError):
        _run("import_roster", str(tmp_path / "missing.xlsx"), "--as", "bob")
    assert not Volunteer.objects.exists()


def test_the_export_command_writes_a_masked_file(cast, tmp_path: Path):
    register(cast.bob, cast.xiwanzi_team, ID_A, "王建国")
    out = tmp_path / "roster.csv"
    lines = _run("export_roster", "--format", "csv", "--out", str(out), "--as", "carol")
    assert lines == [f"rows=0 file={out}"]
    _run("export_roster", "--format", "csv", "--out", str(out), "--as", "bob", "--org", TEAM)
    text = out.read_text(encoding="utf-8-sig")
    assert "王建国" in text and ID_A not in text


def test_the_template_headers_are_understood_in_english_too(cast):
    with translation.override("en"):
        data = roster_template()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [column_key(str(title)) for title in rows[1]] == [c.key for c in COLUMNS]


def test_an_upload_older_than_an_hour_must_be_uploaded_again(cast, client, monkeypatch):
    login(client, cast.bob)
    job = upload(client, roster_file(), org=cast.xiwanzi_team, follow=True).context["job"]
    later = time.time() + uploads.MAX_AGE_SECONDS + 1
    monkeypatch.setattr(uploads.time, "time", lambda: later)
    expired = client.post(
        f"/spreadsheets/roster/import/jobs/{job.pk}/commit/", {"consent": "on"}, follow=True
    )
    assert "上传的文件已过期" in expired.content.decode() and not Volunteer.objects.exists()
    assert not SealedFile.objects.filter(name=f"upload:{job.token}").exists()
