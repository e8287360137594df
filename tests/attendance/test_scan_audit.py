"""Check-ins and check-outs are audited on their own rows (who, when, how, from which device)
and shown at /audit/attendance/ to those who may read the audit log."""

import uuid
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.attendance.conftest import at, scan
from tests.conftest import login
from vetserve.accounts.services import api_token_create
from vetserve.attendance.models import Attendance, Method
from vetserve.attendance.services import attendance_scan
from vetserve.attendance.tokens import post_token
from vetserve.core.views import PER_PAGE

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


@pytest.fixture
def checked_in(client: Client, cast: Any, post: Any) -> Any:
    """王建国 checked in with the post code from his phone at 07:55 on 2022-02-11."""
    login(client, post.wang.user)
    with mock.patch.object(timezone, "now", return_value=at(7, 55)):
        token = post_token(post.shift.pk, at=at(7, 55))
        client.post(
            f"/attendance/scan/{token}",
            {"key": str(uuid.uuid4())},
            REMOTE_ADDR="203.0.113.7",
            HTTP_USER_AGENT=IPHONE,
        )
    client.logout()
    return post


def shown(response: Any) -> list[tuple[str, str, str]]:
    assert response.status_code == 200
    return [(r.kind, r.volunteer_name, r.by) for r in response.context["records"]]


@pytest.mark.parametrize("who", ["bob", "frank"])
def test_the_county_admin_and_the_auditor_see_the_check_in_with_its_device(
    client: Client, cast: Any, checked_in: Any, who: str
) -> None:
    response = login(client, getattr(cast, who)).get("/audit/attendance/")
    assert shown(response) == [("in", "王建国", "wang")]
    page = response.content.decode()
    assert "2022-02-11 07:55:00" in page  # Asia/Shanghai, with the year
    assert "扫描岗位二维码" in page or "Scanned the post QR code" in page
    assert "203.0.113.7" in page and "MicroMessenger/8.0.40" in page
    assert "太子城场馆除雪 · 东门" in page


def test_the_admin_of_another_county_sees_no_check_in_of_this_one(
    client: Client, cast: Any, checked_in: Any
) -> None:
    # Carol may read the audit log of 张北, so the page opens for her, empty: as /audit/ does.
    assert shown(login(client, cast.carol).get("/audit/attendance/")) == []


@pytest.mark.parametrize("who", ["erin", "dave", "mallory"])
def test_people_without_the_audit_right_get_404(
    client: Client, cast: Any, checked_in: Any, who: str
) -> None:
    assert login(client, getattr(cast, who)).get("/audit/attendance/").status_code == 404
    assert client.get("/audit/").status_code == 404  # the same people as the audit log


def test_the_audit_log_links_to_the_check_ins_and_they_point_to_the_corrections(
    client: Client, cast: Any
) -> None:
    login(client, cast.frank)
    assert 'href="/audit/attendance/"' in client.get("/audit/").content.decode()
    assert 'href="/audit/"' in client.get("/audit/attendance/").content.decode()


def test_the_page_lists_one_page_at_a_time_newest_first(
    client: Client, cast: Any, post: Any
) -> None:
    # Stays of 10 minutes every 10 minutes, each a check-in and a check-out: a page and a half.
    stays = PER_PAGE * 3 // 4 + 1
    Attendance.objects.bulk_create(
        Attendance(
            signup=post.signup, shift=post.shift, volunteer=post.wang, region=cast.chongli,
            organization=cast.rescue, in_at=at(8) + timedelta(minutes=10 * i),
            in_method=Method.BADGE, in_key=uuid.uuid4(), in_by=cast.dave,
            out_at=at(8) + timedelta(minutes=10 * i + 5), out_method=Method.SELF,
            out_key=uuid.uuid4(), minutes=5,
        )
        for i in range(stays)
    )  # fmt: skip
    login(client, cast.bob)
    first = client.get("/audit/attendance/")
    assert len(shown(first)) == PER_PAGE
    assert first.context["page_obj"].paginator.count == 2 * stays
    times = [r.at for r in first.context["records"]]
    assert times == sorted(times, reverse=True) and times[0] == at(8) + timedelta(
        minutes=10 * (stays - 1) + 5
    )
    assert first.context["records"][0].kind == "out"
    second = client.get("/audit/attendance/?page=2")
    assert len(shown(second)) == 2 * stays - PER_PAGE


def test_the_date_filter_keeps_the_scans_of_those_days(
    client: Client, cast: Any, checked_in: Any
) -> None:
    login(client, cast.bob)
    assert len(shown(client.get("/audit/attendance/?date_from=2022-02-11&date_to=2022-02-11"))) == 1
    assert shown(client.get("/audit/attendance/?date_from=2022-02-12")) == []
    assert shown(client.get("/audit/attendance/?date_to=2022-02-10")) == []
    fragment = client.get("/audit/attendance/?date_from=2022-02-11", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "王建国" in fragment.content.decode()


def test_the_page_costs_the_same_queries_for_fifty_scans_as_for_one_and_pages_them_exactly(
    client: Client, cast: Any, checked_in: Any, post: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, cast.bob)
    with CaptureQueriesContext(connection) as one:
        assert len(shown(client.get("/audit/attendance/"))) == 1
    # Check-ins and check-outs interleaved in time: the merge of both sides must keep order.
    Attendance.objects.bulk_create(
        Attendance(
            signup=post.signup, shift=post.shift, volunteer=post.wang, region=cast.chongli,
            organization=cast.rescue, in_at=at(9) + timedelta(minutes=i),
            in_method=Method.BADGE, in_key=uuid.uuid4(), in_by=cast.dave,
            out_at=at(9) + timedelta(minutes=i + 30), out_method=Method.SELF,
            out_key=uuid.uuid4(), minutes=30,
        )
        for i in range(60)
    )  # fmt: skip
    with CaptureQueriesContext(connection) as fifty:
        first = client.get("/audit/attendance/")
    assert len(shown(first)) == PER_PAGE
    assert len(fifty) == len(one)
    every = [
        (stay.out_at if kind == "out" else stay.in_at, stay.pk, kind)
        for stay in Attendance.objects.all()
        for kind in ("in", "out")
        if kind == "in" or stay.out_at is not None
    ]
    every.sort(reverse=True)
    later = [client.get(f"/audit/attendance/?page={n}") for n in (2, 3)]
    records = [r for page in (first, *later) for r in page.context["records"]]
    assert [(r.at, r.attendance_id, r.kind) for r in records] == every
    assert later[1].context["page_obj"].paginator.count == len(every) == 121
