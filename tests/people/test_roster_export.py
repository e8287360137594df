"""The roster export, as an office uses it (issue 13, 14): masked by default, streamed, with
hours and badge columns read in a constant number of queries."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.activities.models import Activity, Shift, SignUp, SignUpState
from vetserve.activities.models import Status as ActivityStatus
from vetserve.attendance.models import Attendance
from vetserve.badges.services import badge_issue

EXPORT = "/spreadsheets/roster/export/"


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _served(cast, volunteer, *, minutes: int, ago: timedelta) -> None:
    """A finished stay of ``minutes`` on a shift of the rescue team, begun ``ago``."""
    start = timezone.now() - ago
    activity = Activity.objects.create(
        title="除雪",
        category="snow_ice",
        organization=cast.rescue,
        region=cast.chongli,
        place="太子城",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        status=ActivityStatus.FINISHED,
    )
    shift = Shift.objects.create(
        activity=activity,
        post="东门",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        max_people=10,
        wanted_people=5,
    )
    signup = SignUp.objects.create(
        shift=shift, volunteer=volunteer, state=SignUpState.CONFIRMED, confirmed_at=start
    )
    Attendance.objects.create(
        signup=signup,
        shift=shift,
        volunteer=volunteer,
        region=cast.chongli,
        organization=cast.rescue,
        in_at=start,
        in_method="manual",
        in_key=uuid.uuid4(),
        out_at=start + timedelta(minutes=minutes),
        out_method="manual",
        out_key=uuid.uuid4(),
        minutes=minutes,
    )


def test_the_roster_links_to_an_export_page_that_offers_masked_by_default(cast, client):
    register(cast.bob, cast.xiwanzi_team)
    roster = login(client, cast.bob).get("/people/").content.decode()
    assert f"{EXPORT}?choose=1" in roster
    page = client.get(EXPORT, {"choose": "1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="masked"' in html and 'value="full"' in html
    assert page.context["form"]["values"].value() == "masked"


def test_a_csv_export_is_streamed_with_hours_and_badge_columns(cast, client):
    wang = register(cast.bob, cast.rescue, name="王建国", serial=1)
    li = register(cast.bob, cast.rescue, name="李卫东", serial=2)
    badge = badge_issue(actor=cast.bob, volunteer=wang)
    _served(cast, wang, minutes=90, ago=timedelta(hours=3))
    _served(cast, wang, minutes=30, ago=timedelta(days=400))  # in all, not this year
    recent = timezone.localtime(timezone.now() - timedelta(hours=3))
    this_year = "1.5" if recent.year == timezone.localdate().year else "0.0"  # 1 January
    response = login(client, cast.bob).get(EXPORT, {"format": "csv"})
    rows = _csv(response)
    head = rows[0]
    assert head[-3:] == ["今年服务时长（小时）", "累计服务时长（小时）", "徽章编号"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["王建国"][-3:] == [this_year, "2.0", badge.number]
    assert by_name["李卫东"][-3:] == ["0.0", "0.0", ""]
    assert li.pk != wang.pk


def test_an_outsiders_export_holds_none_of_the_other_regions_people(cast, client):
    register(cast.bob, cast.xiwanzi_team, name="王建国")
    register(cast.carol, cast.zhangbei_team, name="张北人", address_code="130722", serial=3)
    names = [row[0] for row in _csv(login(client, cast.carol).get(EXPORT, {"format": "csv"}))]
    assert names[1:] == ["张北人"]


def test_the_export_reads_a_constant_number_of_queries_whatever_the_rows(cast, client):
    login(client, cast.bob)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _csv(client.get(EXPORT, {"format": "csv"}))
        return len(captured)

    first = register(cast.bob, cast.rescue, serial=1)
    badge_issue(actor=cast.bob, volunteer=first)
    _served(cast, first, minutes=60, ago=timedelta(hours=3))
    few = queries()
    for serial in range(2, 12):
        volunteer = register(cast.bob, cast.rescue, name=f"志愿者{serial}", serial=serial)
        badge_issue(actor=cast.bob, volunteer=volunteer)
        _served(cast, volunteer, minutes=60, ago=timedelta(hours=3))
    assert queries() == few
