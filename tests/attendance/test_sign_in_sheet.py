"""The printable sign-in sheet of a shift (签到表), reached from the shift page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import login, register_volunteer
from vetserve.activities.models import SignUp, SignUpState
from vetserve.badges.services import badge_issue, badge_report_lost


def test_the_sheet_lists_the_confirmed_people_with_badge_numbers_and_signature_columns(
    client: Client, cast: Any, post: Any
) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.wang)
    SignUp.objects.create(
        shift=post.shift, volunteer=post.li, state=SignUpState.WAITLISTED, waitlist_position=1
    )
    page = login(client, cast.dave).get(f"/attendance/post/{post.shift.pk}/sheet/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "签到表" in text and "东门" in text and "太子城场馆除雪" in text
    assert "签到（时间、签名）" in text and "签退（时间、签名）" in text
    assert "王建国" in text and badge.number in text
    assert "李卫东" not in text  # wait-listed: not on the roster
    # Names and badge numbers only: no phone or ID number, not even masked.
    for secret in (post.wang.phone_masked, post.wang.id_number_masked):
        assert secret not in text
    assert "data-print" in text


def test_a_lost_badge_is_not_printed_on_the_sheet(client: Client, cast: Any, post: Any) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.wang)
    badge_report_lost(actor=cast.bob, badge=badge)
    text = login(client, cast.dave).get(f"/attendance/post/{post.shift.pk}/sheet/").content
    assert badge.number.encode() not in text and "王建国".encode() in text


def test_the_sheet_costs_the_same_queries_for_one_person_or_many(
    client: Client, cast: Any, post: Any
) -> None:
    url = f"/attendance/post/{post.shift.pk}/sheet/"
    login(client, cast.dave)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(4):
        person = register_volunteer(
            cast.bob, cast.rescue, name=f"赵{n}", serial=20 + n, phone=f"1370000{3000 + n}"
        )
        badge_issue(actor=cast.bob, volunteer=person)
        SignUp.objects.create(
            shift=post.shift,
            volunteer=person,
            state=SignUpState.CONFIRMED,
            confirmed_at=post.shift.starts_at - timedelta(days=1),
        )
    with CaptureQueriesContext(connection) as many:
        text = client.get(url).content.decode()
    assert "赵3" in text
    assert len(many) == len(one)


def test_the_shift_page_links_the_sheet_for_those_who_lead_it_and_outsiders_get_404(
    client: Client, cast: Any, post: Any
) -> None:
    url = f"/attendance/post/{post.shift.pk}/sheet/"
    page = login(client, cast.dave).get(f"/activities/shifts/{post.shift.pk}/").content.decode()
    assert f'href="{url}"' in page
    for outsider in (cast.carol, cast.erin, cast.mallory, post.wang.user):
        login(client, outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_check_in_code_has_a_text_alternative(client: Client, cast: Any, post: Any) -> None:
    page = login(client, cast.dave).get(f"/attendance/post/{post.shift.pk}/qr/").content.decode()
    assert 'role="img" aria-label="本班次签到码：用手机扫码即可签到"' in page
