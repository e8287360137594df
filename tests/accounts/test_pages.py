from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import PASSWORD, login
from vetserve.accounts.models import ApiToken
from vetserve.accounts.services import api_token_authenticate, api_token_create
from vetserve.audit.models import AuditEntry


def logged_in_user_id(client: Client) -> Any:
    return client.session.get("_auth_user_id")


def post_login(client: Client, username: str, password: str, **extra: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_the_login_page_is_in_chinese_for_a_visitor_without_a_language_cookie(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_a_correct_password_logs_in_and_is_audited(client, cast):
    response = post_login(client, "bob", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(cast.bob.pk)
    assert AuditEntry.objects.filter(action="login", actor=cast.bob).exists()


def test_login_follows_a_local_next_but_never_another_site(client, cast):
    assert post_login(client, "bob", PASSWORD, next="/orgs/")["Location"] == "/orgs/"
    client.logout()
    assert post_login(client, "bob", PASSWORD, next="https://evil.example/")["Location"] == "/"


def test_a_wrong_password_is_refused_in_chinese_and_recorded(client, cast):
    response = post_login(client, "bob", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert AuditEntry.objects.filter(action="login.failed", object_repr="bob").count() == 1


def test_after_too_many_failures_even_the_correct_password_is_refused(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    post_login(client, "bob", "wrong-1")
    response = post_login(client, "bob", "wrong-2")
    assert "登录失败次数过多" in response.content.decode()

    response = post_login(client, "bob", PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert logged_in_user_id(client) is None
    # While locked no password is checked, so no further failure is recorded either.
    assert AuditEntry.objects.filter(action="login.failed").count() == 2


def test_a_lock_on_one_username_leaves_other_users_free(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    post_login(client, "bob", "wrong-1")
    post_login(client, "bob", "wrong-2")
    assert post_login(client, "carol", PASSWORD).status_code == 302


def test_logout_needs_a_post(client, cast):
    login(client, cast.bob)
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_user_id(client) is not None
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert logged_in_user_id(client) is None


def test_account_page_lists_the_users_roles_and_tokens(client, cast):
    api_token_create(user=cast.dave, name="排班脚本")
    page = login(client, cast.dave).get("/accounts/").content.decode()
    assert "组织负责人" in page
    assert "崇礼蓝天应急救援队" in page
    assert "排班脚本" in page


def test_a_new_token_is_shown_once_and_works(client, cast):
    login(client, cast.bob)
    response = client.post("/accounts/tokens/new/", {"name": "统计报表"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=cast.bob)
    raw = response.context["new_token"]
    assert raw.startswith(token.prefix)
    assert raw in response.content.decode()
    assert api_token_authenticate(raw) == cast.bob
    assert raw not in client.get("/accounts/").content.decode()
    assert AuditEntry.objects.filter(action="token.create", actor=cast.bob).exists()


def test_a_token_without_a_name_is_refused_and_nothing_is_created(client, cast):
    response = login(client, cast.bob).post("/accounts/tokens/new/", {"name": "  "})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it(client, cast):
    token, raw = api_token_create(user=cast.bob, name="old")
    response = login(client, cast.bob).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_token_authenticate(raw) is None


def test_nobody_can_revoke_someone_elses_token(client, cast):
    token, raw = api_token_create(user=cast.bob, name="bob's")
    response = login(client, cast.carol).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert api_token_authenticate(raw) == cast.bob


# Not "/": anonymous visitors get the public site there (issue 18, tests/public).
@pytest.mark.parametrize("url", ["/accounts/", "/regions/", "/orgs/", "/audit/", "/stats/"])
def test_pages_send_anonymous_visitors_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_user_changes_their_password_stays_logged_in_and_it_is_audited(client, cast):
    from vetserve.audit.models import AuditEntry

    client.force_login(cast.bob)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
    )
    assert response.status_code == 302
    cast.bob.refresh_from_db()
    assert cast.bob.check_password("a-much-longer-passphrase-2026")
    assert client.get("/accounts/").status_code == 200
    assert AuditEntry.objects.filter(action="password.change", actor=cast.bob).exists()


def test_a_wrong_old_password_changes_nothing(client, cast):
    client.force_login(cast.bob)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "x-y-z-12345-abc",
            "new_password2": "x-y-z-12345-abc",
        },
    )
    assert response.status_code == 200
    cast.bob.refresh_from_db()
    assert cast.bob.check_password(PASSWORD)
