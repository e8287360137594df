"""Password guessing: every login path shares one throttle, and a stranger cannot keep the
owner of an account out for long (issue 12, items 5 and 13)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client

from tests.conftest import PASSWORD
from vetserve.accounts.models import LoginFailure
from vetserve.audit.models import AuditEntry

STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"


def post_login(client: Client, username: str, password: str, ip: str = "127.0.0.1") -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def post_admin_login(client: Client, username: str, password: str, ip: str = "127.0.0.1") -> Any:
    return client.post(
        "/django-admin/login/",
        {"username": username, "password": password, "next": "/django-admin/"},
        REMOTE_ADDR=ip,
    )


def a_moment_passes(seconds: int) -> None:
    """Move every recorded failure back in time, as if ``seconds`` had passed."""
    for failure in LoginFailure.objects.all():
        LoginFailure.objects.filter(pk=failure.pk).update(
            at=failure.at - timedelta(seconds=seconds)
        )


def test_admin_login_counts_toward_the_lockout(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    post_admin_login(client, "root", "wrong-1")
    post_admin_login(client, "root", "wrong-2")
    assert LoginFailure.objects.filter(username="root").count() == 2
    assert AuditEntry.objects.filter(action="login.failed", object_repr="root").count() == 2

    # The correct password is now refused on the admin's page and on the site's alike.
    response = post_admin_login(client, "root", PASSWORD)
    assert response.status_code == 200
    assert client.session.get("_auth_user_id") is None
    response = post_login(client, "root", PASSWORD)
    assert "登录失败次数过多" in response.content.decode()
    assert client.session.get("_auth_user_id") is None


def test_failures_on_the_site_lock_the_admin_login_too(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    post_login(client, "root", "wrong-1")
    post_login(client, "root", "wrong-2")
    post_admin_login(client, "root", PASSWORD)
    assert client.session.get("_auth_user_id") is None


def test_stranger_cannot_lock_out_owner_from_another_address(client, cast, settings):
    for attempt in range(20):
        post_login(client, "bob", f"guess-{attempt}", ip=STRANGER)
    # The stranger locked only themselves: five failures recorded, the rest refused unchecked,
    # and even the right password does not work from the stranger's address.
    assert LoginFailure.objects.filter(username="bob").count() == settings.LOGIN_MAX_FAILURES
    assert client.session.get("_auth_user_id") is None
    post_login(client, "bob", PASSWORD, ip=STRANGER)
    assert client.session.get("_auth_user_id") is None

    a_moment_passes(2)
    response = post_login(Client(), "bob", PASSWORD, ip=OWNER)
    assert response.status_code == 302


def test_guessing_from_many_addresses_delays_the_owner_only_briefly(client, cast, settings):
    # A botnet that guessed patiently: each of 30 addresses failed as often as it may.
    LoginFailure.objects.bulk_create(
        LoginFailure(username="bob", ip=f"203.0.113.{address}")
        for address in range(30)
        for _attempt in range(settings.LOGIN_MAX_FAILURES)
    )
    # Guessing fast is refused unchecked: the account's delay counts from the latest failure.
    post_login(Client(), "bob", "one-more-guess", ip="203.0.113.200")
    assert LoginFailure.objects.filter(username="bob").count() == 30 * settings.LOGIN_MAX_FAILURES

    # Right after the flood the account asks for a pause, which the page names in seconds…
    response = post_login(client, "bob", PASSWORD, ip=OWNER)
    assert response.status_code == 200
    assert "秒后再试" in response.content.decode()
    # …and no longer than the cap.
    a_moment_passes(settings.LOGIN_MAX_DELAY_SECONDS)
    assert post_login(client, "bob", PASSWORD, ip=OWNER).status_code == 302


def test_an_address_guessing_many_accounts_is_refused_on_every_account(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for number in range(8):
        post_login(client, f"nobody-{number}", "guess", ip=STRANGER)
    post_login(client, "carol", PASSWORD, ip=STRANGER)
    assert client.session.get("_auth_user_id") is None
    # Carol herself, elsewhere, is not concerned.
    assert post_login(Client(), "carol", PASSWORD, ip=OWNER).status_code == 302


def test_a_correct_password_clears_only_the_failures_of_its_own_address(client, cast, settings):
    post_login(client, "bob", "typo", ip=OWNER)
    for attempt in range(3):
        post_login(Client(), "bob", f"guess-{attempt}", ip=STRANGER)
    assert post_login(client, "bob", PASSWORD, ip=OWNER).status_code == 302
    assert list(LoginFailure.objects.values_list("ip", flat=True).distinct()) == [STRANGER]


def test_failures_older_than_the_window_are_forgotten(client, cast, settings):
    post_login(client, "bob", "typo-1", ip=OWNER)
    a_moment_passes(settings.LOGIN_LOCKOUT_MINUTES * 60 + 1)
    post_login(client, "bob", "typo-2", ip=OWNER)
    assert LoginFailure.objects.count() == 1
