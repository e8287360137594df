"""Through the pages: a hostile file goes back to the upload form with the limit named in
Chinese, keeps what the user chose, stores nothing and never becomes a multi-MB page. The roster
import runs in the background (issue 14): its job ends failed, naming the limit, and keeps no
file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import login
from tests.spreadsheets import hostile
from tests.spreadsheets.files import csv_bytes

ROSTER = "/spreadsheets/roster/import/"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The roster's background import runs inside the request that queues it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


QUALIFICATIONS = "/spreadsheets/qualifications/import/"


def named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def stored_uploads() -> list[Path]:
    return list((Path(settings.VAR_DIR) / "uploads").glob("*"))


def test_a_roster_bomb_ends_its_job_failed_naming_the_limit_in_chinese(cast, client):
    login(client, cast.bob)
    before = stored_uploads()
    response = client.post(
        ROSTER,
        {
            "file": named(hostile.far_cell_bomb(), "花名册.xlsx"),
            "organization": cast.xiwanzi_team.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.templates[0].name == "people/roster_job.html"
    page = response.content.decode()
    assert "最多 200 列、200,000 行" in page
    assert cast.xiwanzi_team.name in page  # what was chosen is named
    assert "commit_form" not in response.context and stored_uploads() == before


def test_a_qualification_file_bomb_goes_back_to_its_upload_form(cast, client):
    login(client, cast.bob)
    response = client.post(
        QUALIFICATIONS, {"file": named(hostile.declared_dimension_bomb(), "证书.xlsx")}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "skills/qualification_import.html"
    assert "文件声明的表格范围超过上限：最多 200 列、200,000 行" in response.content.decode()


def test_a_csv_with_a_million_columns_gives_a_small_page_not_a_multi_mb_preview(cast, client):
    login(client, cast.bob)
    response = client.post(ROSTER, {"file": named(hostile.wide_csv(), "花名册.csv")}, follow=True)
    assert response.status_code == 200
    assert len(response.content) < 100_000
    assert "文件的列数超过上限：最多 200 列" in response.content.decode()


def test_a_csv_field_of_131073_characters_is_refused_with_a_page_not_a_server_error(cast, client):
    login(client, cast.bob)
    response = client.post(
        ROSTER,
        {
            "file": named(hostile.long_field_csv(), "花名册.csv"),
            "organization": cast.xiwanzi_team.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "每格最多 32,767 个字符" in response.content.decode()


def test_the_preview_shows_at_most_50_unknown_headers_each_clipped(cast, client):
    login(client, cast.bob)
    headers = ["姓名", "身份证号", "手机"] + [f"未知列{i}" + "长" * 500 for i in range(150)]
    data = csv_bytes([headers, ["王建国", "", "13900001111"] + [""] * 150], encoding="utf-8")
    response = client.post(
        ROSTER,
        {"file": named(data, "花名册.csv"), "organization": cast.xiwanzi_team.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "未知列49" in page and "未知列50" not in page
    assert "长" * 101 not in page
    assert len(page) < 100_000


def test_the_import_commands_refuse_a_bomb_naming_the_limit(cast, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(hostile.far_cell_bomb())
    for command, args in (
        ("import_roster", ["--org", str(cast.xiwanzi_team.pk), "--as", cast.bob.username]),
        ("import_qualifications", ["--as", cast.bob.username]),
    ):
        out = io.StringIO()
        try:
            call_command(command, str(path), *args, stdout=out, stderr=out)
        except CommandError as exc:
            out.write(str(exc))
        assert "200,000" in out.getvalue()
