"""The public badge check cannot be used to try code after code (issue 12, item 13)."""

from __future__ import annotations

from django.test import Client

from vetserve.badges.services import badge_token
from vetserve.core.models import RateCount

HERE = "203.0.113.9"
ELSEWHERE = "198.51.100.20"


def test_the_public_badge_check_answers_429_in_chinese_after_30_a_minute_per_address(db, badge):
    client, token = Client(REMOTE_ADDR=HERE), badge_token(badge)
    for _check in range(30):
        assert client.get(f"/v/{token}").status_code == 200
    response = client.get(f"/v/{token}")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "每个网络地址每分钟最多核验 30 次" in page
    assert "王*国" not in page  # the answer is not given, however it ends
    # Another address is not concerned.
    assert Client(REMOTE_ADDR=ELSEWHERE).get(f"/v/{token}").status_code == 200


def test_the_api_check_shares_the_pages_limit_and_says_why_in_a_code(db, badge, settings):
    settings.BADGE_VERIFY_PER_MINUTE = 3
    client, token = Client(REMOTE_ADDR=HERE), badge_token(badge)
    for _check in range(3):
        client.get(f"/v/{token}")
    response = client.get("/api/v1/public/badges/verify", {"code": token})
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "每分钟最多核验 3 次" in response.json()["message"]


def test_the_next_minute_lets_the_address_check_again(db, badge, settings):
    settings.BADGE_VERIFY_PER_MINUTE = 1
    client, token = Client(REMOTE_ADDR=HERE), badge_token(badge)
    client.get(f"/v/{token}")
    assert client.get(f"/v/{token}").status_code == 429
    # As if the minute had passed: the counts belong to the window before.
    for count in RateCount.objects.all():
        RateCount.objects.filter(pk=count.pk).update(window=count.window - 60)
    assert client.get(f"/v/{token}").status_code == 200
