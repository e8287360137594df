"""The leader's check-in station as the leader uses it: one tap per rostered person, a reason
only where the roster or the shift's time do not vouch for the check-in."""

import re
import uuid
from typing import Any
from unittest import mock

from django.test import Client
from django.utils import timezone

from tests.attendance.conftest import at
from tests.conftest import login
from vetserve.attendance.models import Attendance


def _tap(client: Client, post: Any, kind: str = "in", **extra: Any) -> Any:
    form = {"method": "manual", "signup_id": post.signup.pk, "kind": kind} | extra
    return client.post(f"/attendance/post/{post.shift.pk}/record/", form, follow=True)


def test_a_rostered_person_is_checked_in_with_one_tap_and_no_reason(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, cast.dave)
    with mock.patch.object(timezone, "now", return_value=at(8, 5)):
        station = client.get(f"/attendance/post/{post.shift.pk}/").content.decode()
        # Inside the shift's time the row asks for nothing but the tap.
        assert not re.search(r'<input name="reason"[^>]*required', station)
        _tap(client, post)
        _tap(client, post, kind="out")
    stay = Attendance.objects.get()
    assert (stay.in_method, stay.in_reason, stay.in_by) == ("manual", "", cast.dave)
    assert stay.out_at == at(8, 5)


def test_a_check_in_outside_the_shifts_time_asks_for_a_reason_and_then_counts(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, cast.dave)
    with mock.patch.object(timezone, "now", return_value=at(16, 30)):
        station = client.get(f"/attendance/post/{post.shift.pk}/").content.decode()
        assert re.search(r'<input name="reason"[^>]*required', station)
        refused = _tap(client, post).content.decode()
        assert "已超出本班次的签到时间" in refused
        assert not Attendance.objects.exists()
        _tap(client, post, reason="忘记签到，组长补记")
    assert Attendance.objects.get().in_reason == "忘记签到，组长补记"


def test_someone_not_on_the_roster_still_needs_a_reason(
    client: Client, cast: Any, post: Any
) -> None:
    api = login(Client(), cast.bob)
    item = {
        "idempotency_key": str(uuid.uuid4()),
        "kind": "in",
        "method": "manual",
        "scanned_at": at(8, 5).isoformat(),
        "shift_id": post.shift.pk,
        "volunteer_id": post.li.pk,
    }
    with mock.patch.object(timezone, "now", return_value=at(8, 5)):
        answer = api.post(
            "/api/v1/attendance/scans", {"scans": [item]}, content_type="application/json"
        )
    assert answer.json()["results"][0]["code"] == "reason_required"
    assert not Attendance.objects.exists()


def test_the_station_rows_carry_what_the_phone_needs_to_show_each_taps_state(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, cast.dave)
    with mock.patch.object(timezone, "now", return_value=at(8, 5)):
        _tap(client, post)
        roster = client.get(f"/attendance/post/{post.shift.pk}/roster/").content.decode()
    ref = f'data-att-ref="signup-{post.signup.pk}-out"'
    # The status line and the form of the row share a ref; the line knows the last scan.
    assert roster.count(ref) == 2
    assert f'data-att-known="{int(at(8, 5).timestamp())}"' in roster


def test_an_outsider_gets_404_from_the_station_and_its_record_form(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, cast.carol)
    assert client.get(f"/attendance/post/{post.shift.pk}/").status_code == 404
    with mock.patch.object(timezone, "now", return_value=at(8, 5)):
        answer = client.post(
            f"/attendance/post/{post.shift.pk}/record/",
            {"method": "manual", "signup_id": post.signup.pk, "kind": "in"},
        )
    assert answer.status_code == 404
    assert not Attendance.objects.exists()


def test_the_shift_page_leads_its_leader_to_the_station_and_nobody_else(
    client: Client, cast: Any, post: Any
) -> None:
    station = f'href="/attendance/post/{post.shift.pk}/"'
    login(client, cast.dave)
    assert station in client.get(f"/activities/shifts/{post.shift.pk}/").content.decode()
    login(client, post.wang.user)
    assert station not in client.get(f"/activities/shifts/{post.shift.pk}/").content.decode()
