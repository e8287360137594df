"""Check-ins and check-outs are audited on their own rows (who, when, how, from which device)."""

import uuid
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from vetserve.accounts.services import api_token_create
from vetserve.attendance.models import Attendance, Method
from vetserve.attendance.services import attendance_scan
from vetserve.attendance.tests.conftest import at, scan
from vetserve.attendance.tokens import post_token
from vetserve.conftest import login

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40"
)


def test_a_check_in_from_the_post_code_page_keeps_the_phones_address_and_browser(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, post.wang.user)
    with mock.patch.object(timezone, "now", return_value=at(7, 55)):
        token = post_token(post.shift.pk, at=at(7, 55))
        client.post(
            f"/attendance/scan/{token}",
            {"key": str(uuid.uuid4())},
            REMOTE_ADDR="203.0.113.7",
            HTTP_USER_AGENT=IPHONE,
        )
    stay = Attendance.objects.get()
    assert (stay.in_by, stay.in_method) == (post.wang.user, Method.POST_QR)
    assert (stay.in_via, stay.in_ip, stay.in_agent) == ("web", "203.0.113.7", IPHONE)
    assert (stay.out_via, stay.out_ip, stay.out_agent) == ("", None, "")


def test_a_leaders_api_batch_keeps_the_device_of_the_check_in_and_the_check_out(
    cast: Any, post: Any
) -> None:
    _token, raw = api_token_create(user=cast.dave, name="点名手机")
    phone = Client(
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        REMOTE_ADDR="198.51.100.20",
        HTTP_USER_AGENT="okhttp/4.12",
    )
    base = {"method": "manual", "shift_id": post.shift.pk, "signup_id": post.signup.pk}
    base |= {"reason": "他的手机没电"}
    scans = [
        {**base, "kind": "in", "idempotency_key": str(uuid.uuid4())},
        {**base, "kind": "out", "idempotency_key": str(uuid.uuid4())},
    ]
    scans[0]["scanned_at"], scans[1]["scanned_at"] = at(8).isoformat(), at(12).isoformat()
    with mock.patch.object(timezone, "now", return_value=at(12, 5)):
        answer = phone.post(
            "/api/v1/attendance/scans", {"scans": scans}, content_type="application/json"
        )
    assert [r["status"] for r in answer.json()["results"]] == ["ok", "ok"], answer.content
    stay = Attendance.objects.get()
    assert (stay.in_by, stay.out_by) == (cast.dave, cast.dave)
    assert (stay.in_via, stay.in_ip, stay.in_agent) == ("api", "198.51.100.20", "okhttp/4.12")
    assert (stay.out_via, stay.out_ip, stay.out_agent) == ("api", "198.51.100.20", "okhttp/4.12")


def test_a_stay_closed_by_the_command_says_so_and_has_no_address(cast: Any, post: Any) -> None:
    token = post_token(post.shift.pk, at=at(9))
    attendance_scan(actor=post.wang.user, scan=scan("in", "post_qr", at(9), token=token), now=at(9))
    call_command("close_attendance")  # real now: long after 2022
    stay = Attendance.objects.get()
    assert (stay.out_method, stay.out_by) == (Method.AUTO, None)
    assert (stay.out_via, stay.out_ip, stay.out_agent) == ("cli", None, "")
