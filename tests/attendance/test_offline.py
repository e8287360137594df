"""The pages that let a post code link open without signal: the service worker, the offline
page it keeps on the phone, the attribute that registers it, and the marker that makes a
logged-out phone forget what it kept. What the scripts do in a browser is walked through by
scripts/phone_walkthrough.py (step 8)."""

from typing import Any
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.attendance.conftest import at
from tests.conftest import login
from vetserve.attendance.tokens import post_token

FORGET = 'data-forget-caches="vetserve-attendance-"'


def test_service_worker_is_served_to_anyone_as_javascript_from_the_attendance_folder(
    client: Client, db: Any
) -> None:
    url = reverse("attendance:sw")
    answer = client.get(url)
    assert url == "/attendance/sw.js"  # its folder is the widest scope it may take
    assert answer.status_code == 200
    assert answer["Content-Type"].split(";")[0] == "text/javascript"
    assert answer["Cache-Control"] == "no-cache"
    script = answer.content.decode()
    for setting in (
        '"scope": "/attendance/"',
        '"shell": "/attendance/offline/"',
        '"me": "/attendance/me/"',
        '"scan": "/attendance/scan/"',
        '"static": "/static/"',
    ):
        assert setting in script
    assert 'PREFIX = "vetserve-attendance-"' in script
    assert "{{" not in script and "{%" not in script
    assert client.post(url).status_code == 405


def test_service_worker_is_the_same_for_everyone(client: Client, cast: Any) -> None:
    anonymous = client.get("/attendance/sw.js").content
    login(client, cast.erin)
    assert client.get("/attendance/sw.js").content == anonymous


def test_offline_page_needs_a_login(client: Client, db: Any) -> None:
    answer = client.get("/attendance/offline/")
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("accounts:login"))


def test_offline_page_is_a_check_in_page_that_only_queues(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, post.wang.user)
    answer = client.get(reverse("attendance:offline"))
    assert answer.status_code == 200
    assert "no-cache" in answer["Cache-Control"]
    page = answer.content.decode()
    # The queue, for this user, held: queue.js queues and sends nothing from here.
    assert "data-att-queue" in page and "data-att-offline-shell" in page
    assert f'data-user="{post.wang.user.pk}"' in page
    assert 'data-sw="/attendance/sw.js"' in page
    assert 'data-scan-prefix="/attendance/scan/"' in page
    assert 'data-fresh="/attendance/me/"' in page
    # The check-in form queue.js fills in from the address of the post code link.
    assert "data-att-scan" in page and "data-att-shell-scan" in page
    for field in ("key", "token", "scanned_at"):
        assert f'name="{field}" value=""' in page
    assert 'name="method" value="post_qr"' in page and 'name="kind" value="in"' in page
    assert "立即签到" in page
    assert "现在没有信号。签到先保存在这部手机上，有信号时自动发送。" in page
    # Opened directly: what the page is, and the way to 我的班次.
    assert "data-att-shell-direct" in page and "这是离线签到页" in page
    assert 'href="/attendance/me/">我的班次</a>' in page
    assert FORGET not in page


def test_volunteer_and_leader_pages_register_the_service_worker(
    client: Client, cast: Any, post: Any
) -> None:
    login(client, post.wang.user)
    token = post_token(post.shift.pk, at=at(7, 55))
    with mock.patch.object(timezone, "now", return_value=at(7, 55)):
        scan = client.get(f"/attendance/scan/{token}").content.decode()
    me = client.get("/attendance/me/").content.decode()
    for page in (scan, me):
        assert 'data-sw="/attendance/sw.js"' in page and "attendance/queue.js" in page
        assert "data-att-offline-shell" not in page
    # 我的班次 reloads when it has just sent a check-in queued on the offline page.
    assert "data-att-reload-on-news" in me
    login(client, cast.dave)
    post_page = client.get(f"/attendance/post/{post.shift.pk}/").content.decode()
    assert 'data-sw="/attendance/sw.js"' in post_page


def test_pages_shown_when_logged_out_tell_the_phone_to_forget_its_offline_pages(
    client: Client, cast: Any
) -> None:
    assert FORGET in client.get(reverse("accounts:login")).content.decode()
    login(client, cast.erin)
    assert FORGET not in client.get("/attendance/me/").content.decode()
    after = client.post(reverse("accounts:logout"), follow=True)
    assert after.redirect_chain[-1][0] == reverse("accounts:login")
    assert FORGET in after.content.decode()
    # The prefix the page names is the one the service worker gives its caches.
    assert 'PREFIX = "vetserve-attendance-"' in client.get("/attendance/sw.js").content.decode()
