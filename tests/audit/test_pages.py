from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import vetserve
from tests.conftest import login
from vetserve.audit.display import ACTION_LABELS
from vetserve.audit.models import AuditEntry
from vetserve.orgs.services import organization_update


@pytest.fixture
def history(cast):
    """One change in 崇礼 by Bob, one in 张北 by Carol."""
    organization_update(actor=cast.bob, org=cast.xiwanzi_team, leader_name="赵志刚")
    organization_update(actor=cast.carol, org=cast.zhangbei_team, leader_name="孙立新")
    return cast


def shown(response):
    assert response.status_code == 200
    return [(e.actor_name, e.object_repr) for e in response.context["entries"]]


def test_an_auditor_sees_the_log_of_their_area_only(client, history):
    response = login(client, history.frank).get("/audit/")
    assert shown(response) == [("bob", "西湾子镇退役军人志愿服务队")]
    page = response.content.decode()
    assert "组织已修改" in page
    assert "赵志刚" in page
    assert "孙立新" not in page


def test_the_city_admin_sees_both_counties(client, history):
    assert len(shown(login(client, history.alice).get("/audit/"))) == 2


@pytest.mark.parametrize("who", ["erin", "dave", "mallory"])
def test_users_without_the_audit_right_get_404(client, history, who):
    assert login(client, getattr(history, who)).get("/audit/").status_code == 404


def test_the_log_filters_by_action_actor_type_and_date(client, history):
    login(client, history.alice)
    assert len(shown(client.get("/audit/?action=organization.update"))) == 2
    assert shown(client.get("/audit/?action=region.update")) == []  # offered, none recorded
    assert len(shown(client.get("/audit/?action=no.such"))) == 2  # not offered: ignored
    assert shown(client.get("/audit/?actor=car")) == [("carol", "张北镇退役军人志愿服务队")]
    assert len(shown(client.get("/audit/?object_type=orgs.organization"))) == 2
    today = timezone.localdate()
    assert len(shown(client.get(f"/audit/?date_from={today}&date_to={today}"))) == 2
    tomorrow = today + timedelta(days=1)
    assert shown(client.get(f"/audit/?date_from={tomorrow}")) == []
    yesterday = today - timedelta(days=1)
    assert shown(client.get(f"/audit/?date_to={yesterday}")) == []


def test_live_filtering_returns_only_the_results_fragment(client, history):
    response = login(client, history.alice).get("/audit/?actor=bob", HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert AuditEntry.objects.count() == 2


def test_the_log_names_people_labels_actions_and_shows_shanghai_time(client, history):
    history.bob.display_name = "赵志强"
    history.bob.save(update_fields=["display_name"])
    entry = AuditEntry.objects.get(actor_name="bob")
    # 2022-02-03 16:30 UTC is 2022-02-04 00:30 in Shanghai: the day changes too.
    AuditEntry.objects.filter(pk=entry.pk).update(at=datetime(2022, 2, 3, 16, 30, tzinfo=UTC))
    page = login(client, history.frank).get("/audit/").content.decode()
    assert 'title="登录名：bob">赵志强</span>' in page
    assert "2022-02-04 00:30:00" in page
    assert "organization.update" not in page.split("<tbody>")[1]
    # Found by the person's name as well as by the login.
    found = client.get("/audit/", {"actor": "志强"})
    assert shown(found) == [("bob", "西湾子镇退役军人志愿服务队")]


def test_codes_recorded_by_other_apps_read_as_chinese_labels(client, history):
    from vetserve.audit.services import audit_record

    audit_record(
        actor=history.bob,
        action="badge.issue_bulk",
        obj=history.xiwanzi_team,
        changes={"count": [None, 2], "numbers": [None, ["ZJK-1", "ZJK-2"]]},
    )
    page = login(client, history.frank).get("/audit/").content.decode()
    body = page.split("<tbody>")[1]
    assert "批量发放证件" in body and "badge.issue_bulk" not in body
    assert "数量：" in body and "编号：" in body and "ZJK-1、ZJK-2" in body
    assert "count：" not in body


def test_the_filter_menus_offer_every_recordable_action_and_type_without_reading_the_log(
    client, history
):
    login(client, history.alice)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/audit/").content.decode()
    assert not any("DISTINCT" in q["sql"].upper() for q in queries.captured_queries)
    # An action nobody took yet and a type nothing was recorded about are offered too.
    assert 'value="badge.revoke"' in page and 'value="people.volunteer"' in page


def test_every_action_the_code_records_has_a_label_and_so_a_place_in_the_menu():
    source = Path(vetserve.__file__).parent
    recorded = {
        code
        for path in source.rglob("*.py")
        for code in re.findall(r'action="([a-z_]+(?:\.[a-z_]+)+)"', path.read_text())
    }
    assert recorded, "the search found no action codes"
    assert recorded <= set(ACTION_LABELS)


def test_the_log_costs_the_same_queries_for_fifty_entries_as_for_two(client, history):
    login(client, history.alice)
    with CaptureQueriesContext(connection) as two:
        assert len(shown(client.get("/audit/"))) == 2
    for n in range(48):
        organization_update(actor=history.carol, org=history.zhangbei_team, leader_name=f"孙{n}")
    with CaptureQueriesContext(connection) as fifty:
        assert len(shown(client.get("/audit/"))) == 50
    assert len(fifty) == len(two)
