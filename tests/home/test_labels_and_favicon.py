"""Words that say one thing each (退出登录 signs out; 取消报名 withdraws from a shift; 签退 only
after 签到), and the site's own favicon (issue 13)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from vetserve.activities.models import SignUp
from vetserve.attendance.models import Attendance


def buttons(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", b).strip()
        for b in re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)
    ]


def test_signing_out_reads_log_out_and_withdrawing_reads_cancel_my_sign_up(
    client: Client, cast: Any, homes: Any
) -> None:
    login(client, cast.erin)
    page = client.get(reverse("activities:shift", args=[homes.dave_shift.pk])).content.decode()
    labels = buttons(page)
    assert "退出登录" in labels
    assert "取消报名" in labels
    assert "退出" not in labels


def test_a_volunteer_is_offered_check_out_only_after_checking_in(
    client: Client, cast: Any, homes: Any
) -> None:
    # A shift on now, Erin's 赵丽 on it and not checked in yet.
    shift = homes.dave_shift
    shift.starts_at = timezone.now() - timedelta(minutes=30)
    shift.ends_at = timezone.now() + timedelta(hours=3)
    shift.save(update_fields=["starts_at", "ends_at"])
    login(client, cast.erin)
    page = client.get(reverse("attendance:me")).content.decode()
    assert "停车场入口" in page
    assert "签退" not in buttons(page)
    signup = SignUp.objects.get(shift=shift, volunteer=homes.zhao)
    Attendance.objects.create(
        signup=signup,
        shift=shift,
        volunteer=homes.zhao,
        region=cast.chongli,
        organization=cast.rescue,
        in_at=timezone.now() - timedelta(minutes=20),
        in_method="post_qr",
        in_key=uuid.uuid4(),
    )
    page = client.get(reverse("attendance:me")).content.decode()
    assert "签退" in buttons(page)


def test_every_page_names_the_favicon_and_favicon_ico_is_served(client: Client, cast: Any) -> None:
    login(client, cast.mallory)
    page = client.get(reverse("home:home")).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    client.logout()
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
