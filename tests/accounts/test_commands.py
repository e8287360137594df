from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.conftest import make_user
from vetserve.accounts.models import ApiToken, Grant, Role, User
from vetserve.accounts.services import api_token_authenticate, api_token_create
from vetserve.audit.models import AuditEntry
from vetserve.core.access import CHANGE, VIEW, scope_for


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_token_create_prints_a_working_token_once_and_stores_only_its_hash(cast):
    output = run("token", "create", "bob", "--name", "nightly export")
    raw = output.splitlines()[1]
    assert raw.startswith("vs_")
    assert api_token_authenticate(raw) == cast.bob
    token = ApiToken.objects.get()
    assert token.name == "nightly export"
    assert raw not in token.token_hash
    assert raw not in run("token", "list")


def test_token_list_shows_every_token_or_one_users(cast):
    run("token", "create", "bob")
    run("token", "create", "carol", "--name", "sync")
    listing = run("token", "list")
    assert "bob" in listing and "carol" in listing and "active" in listing
    only_carol = run("token", "list", "carol")
    assert "sync" in only_carol and "bob" not in only_carol


def test_token_revoke_stops_the_token_and_is_recorded(cast):
    raw = run("token", "create", "bob").splitlines()[1]
    token = ApiToken.objects.get()
    assert f"Revoked token {token.pk}" in run("token", "revoke", str(token.pk))
    assert api_token_authenticate(raw) is None
    assert "revoked" in run("token", "list", "bob")
    assert "already revoked" in run("token", "revoke", str(token.pk))
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_token_commands_fail_clearly_on_unknown_users_and_tokens(cast):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("token", "create", "nobody")
    with pytest.raises(CommandError, match="No user"):
        run("token", "list", "nobody")
    with pytest.raises(CommandError, match="No token with id 999"):
        run("token", "revoke", "999")


def test_token_command_exits_non_zero_from_the_command_line(cast, capsys):
    from vetserve import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["token", "create", "nobody"])
    assert exit_info.value.code != 0
    assert "No user 'nobody'" in capsys.readouterr().err


def test_a_token_brings_its_users_grants_so_the_scope_needs_no_second_query(
    cast, django_assert_num_queries
):
    both = make_user(
        "both", (Role.COUNTY_ADMIN, cast.chongli), (Role.ORG_LEADER, cast.zhangbei_team)
    )
    _, raw = api_token_create(user=both, name="script")
    user = api_token_authenticate(raw)
    assert user is not None
    with django_assert_num_queries(0):
        view, change = scope_for(user, VIEW), scope_for(user, CHANGE)
    assert view.region_ranges == change.region_ranges == (cast.chongli.id_range,)
    assert change.org_paths == (cast.zhangbei_team.path,)


def test_grant_gives_a_region_role_by_code_or_name_as_the_only_superuser(cast):
    mallory = cast.mallory
    assert "county_admin @ 崇礼区 (130709)" in run("grant", "mallory", "county_admin", "130709")
    run("grant", "mallory", "township-admin", "西湾子镇")
    assert {(g.role, g.region.code) for g in Grant.objects.filter(user=mallory)} == {
        (Role.COUNTY_ADMIN, "130709"),
        (Role.TOWNSHIP_ADMIN, "130709100"),
    }
    entry = AuditEntry.objects.filter(action="grant.create").latest("id")
    assert entry.actor == cast.root


def test_grant_gives_an_organization_role_by_id_or_name(cast):
    run("grant", "mallory", "org_leader", str(cast.rescue.pk))
    run("grant", "mallory", "volunteer", "张北镇退役军人志愿服务队")
    assert {(g.role, g.organization) for g in Grant.objects.filter(user=cast.mallory)} == {
        (Role.ORG_LEADER, cast.rescue),
        (Role.VOLUNTEER, cast.zhangbei_team),
    }


def test_grant_refuses_wrong_levels_unknown_names_and_actors_without_scope(cast):
    with pytest.raises(CommandError, match="county level"), translation.override("en"):
        run("grant", "mallory", "county_admin", "130709100")
    with pytest.raises(CommandError, match="Unknown role"):
        run("grant", "mallory", "mayor", "130709")
    with pytest.raises(CommandError, match="No region"):
        run("grant", "mallory", "county_admin", "火星区")
    with pytest.raises(CommandError, match="No active user"):
        run("grant", "nobody", "county_admin", "130709")
    with pytest.raises(CommandError, match="may not grant"):
        run("grant", "mallory", "county_admin", "130722", "--as", "bob")
    assert not Grant.objects.filter(user=cast.mallory).exists()


def test_grant_asks_who_acts_when_there_is_no_single_superuser(cast):
    User.objects.create_superuser("root2", password="x")
    with pytest.raises(CommandError, match="--as"):
        run("grant", "mallory", "county_admin", "130709")
    User.objects.filter(is_superuser=True).delete()
    with pytest.raises(CommandError, match="createsuperuser"):
        run("grant", "mallory", "county_admin", "130709")


def test_grant_create_makes_the_user_with_a_printed_initial_password(cast):
    output = run("grant", "county1", "county_admin", "130722", "--create", "--display-name", "刘")
    password = output.split("initial password ")[1].split(".")[0]
    user = User.objects.get(username="county1")
    assert user.check_password(password) and len(password) == 12
    assert not user.is_superuser and user.display_name == "刘"
    assert Grant.objects.filter(user=user, role=Role.COUNTY_ADMIN).count() == 1
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).exists()
    # Granting again to an existing user creates nothing and prints no password.
    assert "initial password" not in run("grant", "county1", "auditor", "130722", "--create")


def test_grant_create_keeps_no_user_when_the_grant_is_refused(cast):
    with pytest.raises(CommandError):
        run("grant", "county2", "county_admin", "130722100", "--create")
    assert not User.objects.filter(username="county2").exists()


def test_a_token_finds_its_active_user_and_notes_its_use_at_most_once_a_minute(cast):
    token, raw = api_token_create(user=cast.bob, name="script")
    assert api_token_authenticate(raw) == cast.bob
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert api_token_authenticate(raw) == cast.bob
    token.refresh_from_db()
    assert token.last_used_at == first  # not written again within the minute
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)
    assert api_token_authenticate(raw + "x") is None
    assert api_token_authenticate("Bearer " + raw) is None
    User.objects.filter(pk=cast.bob.pk).update(is_active=False)
    assert api_token_authenticate(raw) is None


def test_create_org_makes_the_first_organization_so_a_roster_can_be_imported(cast):
    """Issue 17: a fresh deployment had no command to create an organization."""
    from vetserve.orgs.models import Organization

    out = run("create_org", "崇礼区石窑子乡退役军人志愿服务队", "grassroots", "130709",
              "--parent", "崇礼区爱国拥军联合会", "--leader", "张三", "--as", "bob")  # fmt: skip
    org_id = int(out.split("\t")[0])
    org = Organization.objects.get(pk=org_id)
    assert org.parent == cast.chongli_fed and org.region.code == "130709"
    assert org.path == f"{cast.chongli_fed.path}{org.pk}/"
    assert AuditEntry.objects.filter(action="organization.create", actor=cast.bob).exists()


def test_create_org_refuses_a_scope_the_actor_does_not_hold_and_an_unknown_kind(cast):
    from vetserve.orgs.models import Organization

    before = Organization.objects.count()
    with pytest.raises(CommandError, match="may not"):
        run("create_org", "张北某队", "grassroots", "130722", "--as", "bob")
    with pytest.raises(CommandError, match="Unknown kind"):
        run("create_org", "某队", "club", "130709", "--as", "bob")
    with pytest.raises(CommandError, match="No region"):
        run("create_org", "某队", "grassroots", "999999", "--as", "bob")
    assert Organization.objects.count() == before


def test_housekeeping_removes_expired_sessions_and_old_login_failures_only(cast, settings):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from vetserve.accounts.models import LoginFailure

    live, old = SessionStore(), SessionStore()
    live.create()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    LoginFailure.objects.create(username="x", ip="10.0.0.1")
    stale = LoginFailure.objects.create(username="y", ip="10.0.0.2")
    LoginFailure.objects.filter(pk=stale.pk).update(
        at=timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    )
    out = run("housekeeping")
    assert "Removed 1 expired sessions and 1 old login failures" in out
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["x"]
