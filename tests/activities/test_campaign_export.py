"""The campaign export (issue 13): targets against results and each activity's figures, as
.xlsx or CSV, over the part of the campaign the viewer's page counts; linked from the page,
audited, in a fixed number of queries."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from tests.activities.test_campaign_page import _activity_with_an_hour, city_campaign  # noqa: F401
from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.audit.models import AuditEntry


def url(campaign: Any) -> str:
    return f"/activities/campaigns/{campaign.pk}/export/"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_campaign_page_links_to_its_export(cast, client, city_campaign):  # noqa: F811
    page = login(client, cast.alice).get(f"/activities/campaigns/{city_campaign.pk}/")
    text = page.content.decode()
    assert f"{url(city_campaign)}?format=xlsx" in text
    assert f"{url(city_campaign)}?format=csv" in text


def test_the_xlsx_holds_targets_against_results_and_each_activity(cast, client, city_campaign):  # noqa: F811
    response = login(client, cast.alice).get(url(city_campaign), {"format": "xlsx"})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheet_names == ["目标与完成情况", "活动", "按组织"]
    targets = [[str(c) for c in r] for r in book.get_sheet_by_index(0).to_python()]
    assert targets[0][:3] == ["指标", "单位", "目标"]
    disinfected = next(r for r in targets if r[1] == "平方米")
    assert disinfected[2:4] == ["6000000", "1250000"]
    activities = [[str(c) for c in r] for r in book.get_sheet_by_index(1).to_python()]
    by_title = {r[0]: r for r in activities[1:]}
    assert set(by_title) == {"崇礼学校消杀", "张北商场消杀"}
    assert by_title["崇礼学校消杀"][5:9] == ["1", "1", "1", "1250000"]
    assert by_title["张北商场消杀"][8] == "0"
    entry = AuditEntry.objects.get(action="campaign.export")
    assert entry.actor == cast.alice and entry.changes["rows"] == [None, 2]


def test_a_county_admin_exports_only_their_countys_activities(cast, client, city_campaign):  # noqa: F811
    rows = csv_rows(login(client, cast.carol).get(url(city_campaign), {"format": "csv"}))
    assert [r[0] for r in rows[1:]] == ["张北商场消杀"]


@pytest.mark.parametrize("who", ["dave", "erin", "mallory"])
def test_outsiders_get_404_and_leave_no_entry(cast, client, city_campaign, who):  # noqa: F811
    assert login(client, getattr(cast, who)).get(url(city_campaign)).status_code == 404
    assert not AuditEntry.objects.filter(action="campaign.export").exists()


def test_the_export_takes_as_many_queries_for_many_activities_as_for_few(
    cast,
    client,
    city_campaign,  # noqa: F811
):
    login(client, cast.alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(city_campaign), {"format": "csv"}).status_code == 200
        return len(captured)

    few = queries()
    for i in range(4):
        person = register(cast.bob, cast.rescue, name=f"志愿者{i}", serial=30 + i)
        _activity_with_an_hour(
            cast, city_campaign, actor=cast.dave, org=cast.rescue, title=f"活动{i}", person=person
        )
    assert queries() == few
