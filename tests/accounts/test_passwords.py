"""Passwords: a change or a reset ends every other way into the account; staff help someone
who forgot theirs with a one-time link; a printed initial password must be replaced at first
login (issue 12, items 13 and 18)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, login
from vetserve.accounts.models import ApiToken, PasswordResetLink, User
from vetserve.accounts.services import api_token_authenticate, api_token_create
from vetserve.audit.models import AuditEntry
from vetserve.core.access import may_manage_account

NEW_PASSWORD = "a-much-longer-passphrase-2026"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def sessions_of(user: User) -> list[str]:
    return [
        s.session_key
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def api_me(client: Client, token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/me", headers=headers)


def change_password(client: Client, old: str = PASSWORD, new: str = NEW_PASSWORD) -> Any:
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def issue_link(client: Client, account: User) -> str:
    response = client.post(f"/accounts/users/{account.pk}/reset-link/")
    assert response.status_code == 200
    url: str = response.context["reset_url"]
    return url.removeprefix("http://testserver")


# --- a change of password -------------------------------------------------------------------


def test_password_change_revokes_api_tokens_and_other_sessions(cast):
    here, phone = login(Client(), cast.bob), login(Client(), cast.bob)
    _token, raw = api_token_create(user=cast.bob, name="nightly export")
    assert api_me(Client(), raw).status_code == 200

    assert change_password(here).status_code == 302

    assert here.get("/accounts/").status_code == 200
    assert phone.get("/accounts/")["Location"].startswith("/accounts/login/")
    assert api_me(Client(), raw).status_code == 401
    assert api_token_authenticate(raw) is None
    assert sessions_of(cast.bob) == [here.session.session_key]
    entry = AuditEntry.objects.get(action="password.change", actor=cast.bob)
    assert entry.changes["api_tokens"] == [1, 0]
    assert entry.changes["other_sessions"] == [1, 0]


def test_password_change_leaves_other_users_sessions_and_tokens_alone(cast):
    carol = login(Client(), cast.carol)
    _token, raw = api_token_create(user=cast.carol, name="script")
    change_password(login(Client(), cast.bob))
    assert carol.get("/accounts/").status_code == 200
    assert api_token_authenticate(raw) == cast.carol


# --- the one-time reset link ----------------------------------------------------------------


def test_an_administrator_issues_a_link_with_which_the_owner_chooses_a_new_password_once(cast):
    bob = login(Client(), cast.bob)
    found = bob.get("/accounts/users/", {"username": "erin"})
    assert found["Location"] == f"/accounts/users/{cast.erin.pk}/"
    assert bob.get(found["Location"]).status_code == 200
    path = issue_link(bob, cast.erin)
    assert AuditEntry.objects.filter(
        action="password.reset_link", actor=cast.bob, object_id=str(cast.erin.pk)
    ).exists()

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert "账号：erin。此链接只能使用一次" in page.content.decode()
    response = visitor.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/login/"
    cast.erin.refresh_from_db()
    assert cast.erin.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="password.reset", actor=cast.erin).exists()

    # Spent: the link cannot set another password.
    assert visitor.get(path).status_code == 404
    visitor.post(path, {"new_password1": "another-pass-2027", "new_password2": "another-pass-2027"})
    cast.erin.refresh_from_db()
    assert cast.erin.check_password(NEW_PASSWORD)


def test_using_a_reset_link_revokes_every_session_and_api_token(cast):
    erin = login(Client(), cast.erin)
    _token, raw = api_token_create(user=cast.erin, name="script")
    path = issue_link(login(Client(), cast.bob), cast.erin)
    Client().post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert erin.get("/accounts/")["Location"].startswith("/accounts/login/")
    assert api_token_authenticate(raw) is None
    assert sessions_of(cast.erin) == []


def test_a_reset_link_is_stored_only_as_a_hash_and_expires_after_a_day(cast):
    path = issue_link(login(Client(), cast.bob), cast.erin)
    secret = path.rstrip("/").rsplit("/", 1)[1]
    link = PasswordResetLink.objects.get()
    assert secret not in link.token_hash
    assert timedelta(hours=23) < link.expires_at - timezone.now() <= timedelta(hours=24)
    PasswordResetLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(path)
    assert response.status_code == 404
    assert "24 小时" in response.content.decode()


def test_a_new_reset_link_voids_the_earlier_one(cast):
    bob = login(Client(), cast.bob)
    first, second = issue_link(bob, cast.erin), issue_link(bob, cast.erin)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_only_who_may_grant_in_every_scope_of_an_account_may_issue_its_reset_link(cast):
    assert may_manage_account(cast.bob, cast.erin)  # Erin's team lies in Bob's county
    assert may_manage_account(cast.alice, cast.bob)  # Bob's county lies in Alice's city
    assert may_manage_account(cast.root, cast.mallory)
    assert not may_manage_account(cast.carol, cast.erin)  # another county
    assert not may_manage_account(cast.bob, cast.alice)  # reaches further than Bob
    assert not may_manage_account(cast.dave, cast.bob)
    assert not may_manage_account(cast.erin, cast.erin)  # a volunteer grants nothing
    assert not may_manage_account(cast.bob, cast.root)  # superusers: only superusers
    assert not may_manage_account(cast.bob, cast.mallory)  # no grant: only superusers
    # Through the pages, "not yours" and "does not exist" look alike.
    carol = login(Client(), cast.carol)
    assert carol.get(f"/accounts/users/{cast.erin.pk}/").status_code == 404
    assert carol.post(f"/accounts/users/{cast.erin.pk}/reset-link/").status_code == 404
    assert carol.get("/accounts/users/", {"username": "erin"}).status_code == 200
    assert not PasswordResetLink.objects.exists()


def test_reset_password_command_prints_a_working_link_for_the_first_administrator(cast):
    output = run("reset_password", "root", "--base-url", "https://vs.example.cn")
    url = output.splitlines()[0]
    assert url.startswith("https://vs.example.cn/accounts/reset/")
    path = url.removeprefix("https://vs.example.cn")
    Client().post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    cast.root.refresh_from_db()
    assert cast.root.check_password(NEW_PASSWORD)


# --- initial passwords ----------------------------------------------------------------------


def test_an_account_made_by_grant_create_must_change_its_password_at_first_login(cast):
    output = run("grant", "county1", "county_admin", "130722", "--create")
    password = output.split("initial password ")[1].split(".")[0]
    raw = run("token", "create", "county1").splitlines()[1]

    client = Client()
    response = client.post("/accounts/login/", {"username": "county1", "password": password})
    assert response.status_code == 302
    # Every page leads to the password change; the API refuses, with a code that says why.
    assert client.get("/regions/")["Location"] == "/accounts/password/?next=%2Fregions%2F"
    for answer in (api_me(client), api_me(Client(), raw)):
        assert answer.status_code == 403
        assert answer.json()["code"] == "password_change_required"
    assert client.get("/accounts/password/").status_code == 200

    response = client.post(
        "/accounts/password/?next=/regions/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/regions/"
    assert client.get("/regions/").status_code == 200
    assert api_me(client).status_code == 200
    assert not User.objects.get(username="county1").must_change_password


def test_the_demo_and_ordinary_accounts_need_not_change_their_password(cast):
    client = login(Client(), cast.bob)
    assert client.get("/regions/").status_code == 200
    assert not ApiToken.objects.exists()


def test_the_django_admins_password_change_leads_to_the_one_that_revokes_tokens(cast):
    client = login(Client(), cast.root)
    response = client.get("/django-admin/password_change/")
    assert response["Location"] == "/accounts/password/"
