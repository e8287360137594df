"""The audit log as CSV (issue 13): the filtered page's entries as people read them, scoped
like the page, streamed, and itself on record."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login
from vetserve.audit.models import AuditEntry
from vetserve.orgs.services import organization_update

EXPORT = "/audit/export/"


@pytest.fixture
def history(cast):
    """One change in 崇礼 by Bob, one in 张北 by Carol."""
    organization_update(actor=cast.bob, org=cast.xiwanzi_team, leader_name="赵志刚")
    organization_update(actor=cast.carol, org=cast.zhangbei_team, leader_name="孙立新")
    return cast


def rows(response) -> list[list[str]]:
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_log_page_links_to_its_export_with_the_filters(client, history):
    page = login(client, history.frank).get("/audit/", {"action": "organization.update"})
    assert f"{EXPORT}?action=organization.update" in page.content.decode()


def test_an_auditor_exports_the_entries_of_their_area_as_the_page_shows_them(client, history):
    entry = AuditEntry.objects.get(actor_name="bob")
    table = rows(login(client, history.frank).get(EXPORT))
    assert table[0][:4] == ["时间", "操作人", "登录名", "操作"]
    assert len(table) == 2  # the header and Bob's change; Carol's 张北 is not Frank's
    line = table[1]
    assert line[0] == timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
    assert line[2] == "bob" and line[3] == "组织已修改" and line[4] == "西湾子镇退役军人志愿服务队"
    assert "赵志刚" in line[7] and "孙立新" not in str(table)
    # The export is on record, in Frank's area.
    record = AuditEntry.objects.get(action="audit.export")
    assert record.actor == history.frank and record.changes["rows"] == [None, 1]
    assert record.region_id == history.chongli.pk


def test_the_export_keeps_the_filters(client, history):
    login(client, history.alice)
    assert len(rows(client.get(EXPORT))) == 3
    assert [r[2] for r in rows(client.get(EXPORT, {"actor": "carol"}))[1:]] == ["carol"]


@pytest.mark.parametrize("who", ["erin", "dave", "mallory"])
def test_users_without_the_audit_right_get_404_and_leave_no_entry(client, history, who):
    assert login(client, getattr(history, who)).get(EXPORT).status_code == 404
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_the_export_reads_a_constant_number_of_queries(client, history):
    login(client, history.alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows(client.get(EXPORT))
        return len(captured)

    few = queries()
    for n in range(10):
        organization_update(actor=history.bob, org=history.xiwanzi_team, leader_name=f"队长{n}")
    assert queries() == few
