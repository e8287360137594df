"""The phone pages, the batch API and the command, as users reach them."""

import uuid
from io import StringIO
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.attendance.conftest import at
from tests.conftest import login
from vetserve.attendance.models import Attendance
from vetserve.attendance.tokens import post_token


def test_post_code_page_opens_a_check_in_that_counts_once(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, post.wang.user)
    with mock.patch.object(timezone, "now", return_value=at(7, 55)):
        token = post_token(post.shift.pk, at=at(7, 55))
        page = client.get(f"/attendance/scan/{token}")
        assert page.status_code == 200
        key = str(uuid.uuid4())
        client.post(f"/attendance/scan/{token}", {"key": key})
        again = client.post(f"/attendance/scan/{token}", {"key": key})
    assert Attendance.objects.count() == 1
    assert "已签到" in again.content.decode() or "Checked in" in again.content.decode()


def test_leader_sees_the_post_page_code_and_roster_outsiders_get_404(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, cast.dave)
    pk = post.shift.pk
    assert "王建国" in client.get(f"/attendance/post/{pk}/").content.decode()
    assert "<svg" in client.get(f"/attendance/post/{pk}/qr/").content.decode()
    assert client.get(f"/attendance/post/{pk}/roster/").status_code == 200
    for outsider in (cast.carol, cast.erin, post.wang.user):
        login(client, outsider)
        assert client.get(f"/attendance/post/{pk}/").status_code == 404
        assert client.get(f"/attendance/post/{pk}/qr/").status_code == 404


def test_api_batch_from_an_offline_phone_and_scoped_list(cast: Any, post: Any) -> None:
    api = Client()
    login(api, cast.dave)
    key_in, key_out = str(uuid.uuid4()), str(uuid.uuid4())
    now = timezone.now()
    # Move the shift around "now" so the scan-age bounds hold for real time.
    post.shift.starts_at = now - timezone.timedelta(hours=3)
    post.shift.ends_at = now + timezone.timedelta(hours=3)
    post.shift.save()
    base = {"kind": "in", "method": "manual", "shift_id": post.shift.pk}
    base |= {"signup_id": post.signup.pk, "reason": "手机没电"}
    two_hours_ago = (now - timezone.timedelta(hours=2)).isoformat()
    half_hour_ago = (now - timezone.timedelta(minutes=30)).isoformat()
    scans = [
        {**base, "idempotency_key": key_in, "scanned_at": two_hours_ago},
        {**base, "idempotency_key": key_out, "kind": "out", "scanned_at": half_hour_ago},
        {**base, "idempotency_key": key_in, "scanned_at": two_hours_ago},
    ]
    first = api.post("/api/v1/attendance/scans", {"scans": scans}, content_type="application/json")
    assert first.status_code == 200, first.content
    statuses = [r["status"] for r in first.json()["results"]]
    assert statuses == ["ok", "ok", "duplicate"]
    assert first.json()["results"][1]["attendance"]["minutes"] == 90
    replay = api.post("/api/v1/attendance/scans", {"scans": scans}, content_type="application/json")
    assert [r["status"] for r in replay.json()["results"]] == ["duplicate"] * 3
    assert Attendance.objects.count() == 1
    assert api.get("/api/v1/attendance").json()["count"] == 1
    login(api, cast.carol)
    assert api.get("/api/v1/attendance").json()["count"] == 0
    refused = api.post(
        "/api/v1/attendance/scans", {"scans": scans[:1]}, content_type="application/json"
    )
    assert refused.json()["results"][0]["status"] == "duplicate"  # a replay reveals only its own
    bad = api.post(
        "/api/v1/attendance/scans",
        {"scans": [{**scans[0], "idempotency_key": str(uuid.uuid4())}]},
        content_type="application/json",
    )
    assert bad.json()["results"][0]["code"] == "not_found"


def test_close_attendance_command_flags_missed_check_outs(cast: Any, post: Any) -> None:
    from tests.attendance.conftest import scan
    from vetserve.attendance.services import attendance_scan

    attendance_scan(
        actor=post.wang.user,
        scan=scan("in", "post_qr", at(9), token=post_token(post.shift.pk, at=at(9))),
        now=at(9),
    )
    out = StringIO()
    call_command("close_attendance", stdout=out)  # real now: long after 2022
    assert "1" in out.getvalue()
    assert Attendance.objects.get().auto_closed


def test_exceptions_page_confirms_with_a_reason(client: Client, cast: Any, post: Any) -> None:
    from tests.attendance.conftest import scan
    from vetserve.attendance.services import attendance_auto_close, attendance_scan

    attendance_scan(
        actor=post.wang.user,
        scan=scan("in", "post_qr", at(9), token=post_token(post.shift.pk, at=at(9))),
        now=at(9),
    )
    attendance_auto_close(now=at(20))
    stay = Attendance.objects.get()
    login(client, cast.dave)
    assert "王建国" in client.get("/attendance/exceptions/").content.decode()
    client.post(f"/attendance/exceptions/{stay.pk}/", {"reason": "确认在岗到结束"})
    assert stay.corrections.count() == 1
    assert "王建国" not in client.get("/attendance/exceptions/").content.decode()
    login(client, cast.carol)
    assert client.post(f"/attendance/exceptions/{stay.pk}/", {"reason": "x"}).status_code == 404


def test_volunteer_phone_page_lists_own_shift(client: Client, cast: Any, post: Any) -> None:
    login(client, post.wang.user)
    with mock.patch.object(timezone, "now", return_value=at(9)):
        page = client.get("/attendance/me/").content.decode()
    assert "东门" in page and "queue.js" in page


def test_the_hours_list_shows_each_stay_with_its_year(client: Client, cast: Any, post: Any) -> None:
    from tests.attendance.conftest import scan
    from vetserve.attendance.services import attendance_auto_close, attendance_scan

    attendance_scan(
        actor=post.wang.user,
        scan=scan("in", "post_qr", at(9), token=post_token(post.shift.pk, at=at(9))),
        now=at(9),
    )
    attendance_auto_close(now=at(20))
    login(client, post.wang.user)
    with mock.patch.object(timezone, "now", return_value=at(21)):
        page = client.get("/attendance/me/").content.decode()
    assert "2022年2月11日 09:00" in page
