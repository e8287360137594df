"""The phone pages as the walkthrough (scripts/phone_walkthrough.py) uses them: the post code
page that names the post and carries the scan time for the offline queue, the leader's code
screen, and the volunteer's page with the service time recorded."""

import re
import uuid
from typing import Any
from unittest import mock

from django.test import Client
from django.utils import timezone

from tests.attendance.conftest import at
from tests.conftest import login
from vetserve.attendance.models import Attendance
from vetserve.attendance.services import attendance_auto_close, attendance_correct
from vetserve.attendance.tokens import post_token, post_token_read


def _batch(client: Client, *scans: dict[str, Any]) -> list[dict[str, Any]]:
    answer = client.post(
        "/api/v1/attendance/scans", {"scans": list(scans)}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["results"]  # type: ignore[no-any-return]


def test_post_code_page_names_the_post_and_carries_the_scan_time(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, post.wang.user)
    token = post_token(post.shift.pk, at=at(7, 55))
    with mock.patch.object(timezone, "now", return_value=at(7, 55)):
        page = client.get(f"/attendance/scan/{token}").content.decode()
    assert "东门" in page and "太子城场馆除雪" in page
    assert f'name="scanned_at" value="{at(7, 55).isoformat()}"' in page
    assert 'name="method" value="post_qr"' in page and "data-att-queue" in page
    # Much later the same code has expired: said at once, no button that can only fail.
    with mock.patch.object(timezone, "now", return_value=at(9)):
        late = client.get(f"/attendance/scan/{token}").content.decode()
    assert "data-att-scan" not in late
    assert "已过期" in late or "expired" in late


def test_a_check_in_tapped_without_signal_counts_at_the_scan_time(
    client: Client, cast: Any, post: Any
) -> None:
    """What queue.js sends for a post code page shown at 07:55 whose button was pressed
    without signal and which reached the server at 08:20, long after the code's window."""
    login(client, post.wang.user)
    token = post_token(post.shift.pk, at=at(7, 55))
    scan = {
        "idempotency_key": str(uuid.uuid4()),
        "kind": "in",
        "method": "post_qr",
        "scanned_at": at(7, 55).isoformat(),
        "token": token,
    }
    with mock.patch.object(timezone, "now", return_value=at(8, 20)):
        assert post_token_read(token, at=at(8, 20)) is None  # the code itself has expired
        first = _batch(client, scan)
        again = _batch(client, scan, scan)
    assert first[0]["status"] == "ok"
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    stay = Attendance.objects.get()
    assert stay.in_at == at(7, 55) and stay.in_received_at > stay.in_at


def test_leaders_code_screen_says_which_address_the_code_holds(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, cast.dave)
    with mock.patch.object(timezone, "now", return_value=at(7, 55)):
        page = client.get(f"/attendance/post/{post.shift.pk}/qr/").content.decode()
        fragment = client.get(
            f"/attendance/post/{post.shift.pk}/qr/", headers={"HX-Request": "true"}
        ).content.decode()
    url = re.search(r'data-scan-url="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert url == f"http://testserver/attendance/scan/{post_token(post.shift.pk, at=at(7, 55))}"
    assert post_token_read(url.rsplit("/", 1)[1], at=at(7, 55)) == post.shift.pk
    assert "main-nav" not in page  # a screen of its own: the whole code fits on a phone
    assert "data-scan-url" in fragment and "<html" not in fragment


def test_volunteer_page_shows_the_service_time_once_with_corrections(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, post.wang.user)
    token = post_token(post.shift.pk, at=at(7, 55))
    scan_in = {
        "idempotency_key": str(uuid.uuid4()),
        "kind": "in",
        "method": "post_qr",
        "scanned_at": at(7, 55).isoformat(),
        "token": token,
    }
    with mock.patch.object(timezone, "now", return_value=at(9)):
        _batch(client, scan_in)
        page = client.get("/attendance/me/").content.decode()
    assert "在岗" in page and 'data-minutes="0"' in page
    scan_out = {
        "idempotency_key": str(uuid.uuid4()),
        "kind": "out",
        "method": "self",
        "scanned_at": at(10, 5).isoformat(),
        "signup_id": post.signup.pk,
    }
    with mock.patch.object(timezone, "now", return_value=at(10, 30)):
        _batch(client, scan_out, scan_out)
        _batch(client, scan_out)
        page = client.get("/attendance/me/").content.decode()
    assert Attendance.objects.count() == 1
    assert 'data-minutes="125"' in page  # 08:00 (the shift's start) to 10:05
    assert page.count("2小时5分钟") == 3  # the card, the total and the one stay listed
    assert "签退" in page and 'data-msg-hm="%(h)d小时%(m)d分钟"' in page
    # A leader's correction is what counts, on the volunteer's page too.
    stay = Attendance.objects.get()
    attendance_correct(actor=cast.dave, attendance=stay, reason="记错了", out_at=at(11))
    with mock.patch.object(timezone, "now", return_value=at(11, 30)):
        page = client.get("/attendance/me/").content.decode()
    assert 'data-minutes="180"' in page and "合计：3小时" in page


def test_volunteer_page_before_check_in_and_after_an_automatic_close(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, post.wang.user)
    with mock.patch.object(timezone, "now", return_value=at(7, 30)):
        page = client.get("/attendance/me/").content.decode()
    assert "尚未签到" in page and "还没有记录" in page
    _ = Attendance.objects.create(
        signup=post.signup,
        shift=post.shift,
        volunteer=post.wang,
        region_id=post.activity.region_id,
        organization_id=post.activity.organization_id,
        in_at=at(8),
        in_method="post_qr",
        in_key=uuid.uuid4(),
    )
    attendance_auto_close(now=at(20))
    with mock.patch.object(timezone, "now", return_value=at(20)):
        page = client.get("/attendance/me/").content.decode()
    assert 'data-minutes="480"' in page and "合计：8小时" in page
