from __future__ import annotations

import functools
import hashlib
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts import scope
from vetserve.accounts.models import (
    ORG_ROLES,
    ROLE_REGION_LEVEL,
    ApiToken,
    Grant,
    LoginFailure,
    PasswordResetLink,
    Role,
    User,
)
from vetserve.audit.services import audit_record
from vetserve.core.access import Actor, forget, may_grant, may_manage_account
from vetserve.core.db import RowLoader
from vetserve.orgs.models import Organization
from vetserve.regions.models import Region

TOKEN_PREFIX = "vs_"  # noqa: S105 - a marker that makes leaked tokens greppable, not a secret


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- login throttling -----------------------------------------------------------------------
#
# Every login path (the login page, the Django admin's login, anything calling Django's
# `authenticate`) goes through `backends.ThrottledModelBackend`, which asks `login_wait` before
# checking a password. Failures are counted three ways over the last LOGIN_LOCKOUT_MINUTES
# (docs/operations.md, "Password guessing"):
#
# - one address on one account: LOGIN_MAX_FAILURES, then that address may not try that account
#   for the rest of the window. This stops a guesser, and locks out nobody but the guesser;
# - one address on any account: four times as many (an office shares one address behind its
#   NAT), then that address may not log in at all for the rest of the window;
# - one account from every address: past LOGIN_MAX_FAILURES, a delay after the latest failure
#   that doubles with each further failure, capped at LOGIN_MAX_DELAY_SECONDS. It slows a
#   guesser with many addresses, while the owner is never kept out longer than the cap.


def _wait_until_window_frees(times: list[datetime], limit: int, now: datetime) -> float:
    """Seconds until fewer than ``limit`` of these failure times lie in the window."""
    if len(times) < limit:
        return 0.0
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    times = sorted(times)
    return (times[len(times) - limit] + window - now).total_seconds()


def login_wait(*, username: str, ip: str | None) -> int:
    """Seconds before this address may try this username again; 0: it may try now."""
    now = timezone.now()
    since = now - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    limit = settings.LOGIN_MAX_FAILURES
    name = username.lower()[:150]
    which = Q(username=name) | Q(ip=ip) if ip is not None else Q(username=name)
    rows = list(
        LoginFailure.objects.filter(which, at__gte=since).values_list("username", "ip", "at")
    )
    on_account = [at for user, _ip, at in rows if user == name]
    waits = [0.0]
    if ip is not None:
        from_here = [at for _user, address, at in rows if address == ip]
        pair = [at for user, address, at in rows if user == name and address == ip]
        waits.append(_wait_until_window_frees(pair, limit, now))
        waits.append(_wait_until_window_frees(from_here, limit * 4, now))
    if len(on_account) >= limit:
        delay = min(2 ** (len(on_account) - limit), settings.LOGIN_MAX_DELAY_SECONDS)
        waits.append((max(on_account) + timedelta(seconds=delay) - now).total_seconds())
    return max(0, math.ceil(max(waits)))


def login_failure_record(*, username: str, ip: str | None) -> None:
    # Failures older than the window count for nothing: forget them, so that a flood of
    # guesses cannot grow the table without end (the audit log keeps every one).
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    LoginFailure.objects.filter(at__lt=since).delete()
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)
    audit_record(actor=None, action="login.failed", object_repr=username[:150])


def login_success_record(*, user: User, ip: str | None) -> None:
    """A correct password clears the failures of this address on this account only: a guesser
    elsewhere keeps their own lock."""
    LoginFailure.objects.filter(username=user.get_username().lower(), ip=ip).delete()
    audit_record(actor=user, action="login", obj=user)


# --- grants ---------------------------------------------------------------------------------


@transaction.atomic
def grant_create(
    *,
    actor: Actor | None,
    user: User,
    role: str,
    region: Region | None = None,
    organization: Organization | None = None,
) -> Grant:
    """Give ``user`` a role in a scope; the actor must be able to change that scope."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role in ORG_ROLES:
        if organization is None or region is not None:
            raise ValidationError({"organization": _("This role is held in an organization.")})
        allowed = may_grant(actor, organization=organization)
    else:
        if region is None or organization is not None:
            raise ValidationError({"region": _("This role is held in a region.")})
        level = ROLE_REGION_LEVEL[role]
        if level is not None and region.level != level:
            raise ValidationError(
                {"region": _("This role is held at %(level)s level.") % {"level": level}}
            )
        allowed = may_grant(actor, region=region)
    if not allowed:
        raise PermissionDenied(_("You may not grant roles there."))
    grant, _created = Grant.objects.get_or_create(
        user=user,
        role=role,
        region=region,
        organization=organization,
        defaults={"granted_by": actor if isinstance(actor, User) else None},
    )
    audit_record(
        actor=actor,
        action="grant.create",
        obj=user,
        region_id=region.pk if region else organization.region_id if organization else None,
        organization_id=organization.pk if organization else None,
        changes={"role": [None, role], "scope": [None, grant.scope_name]},
    )
    forget(user)
    return grant


def account_close_for_erasure(*, actor: Actor | None, user: User) -> None:
    """An erased volunteer's login: its volunteer grants end, and a login left with no grant
    (and no staff rights) is deactivated, with its API tokens revoked. Called by the erasure,
    which holds the right to change the person's record."""
    ended = list(user.grants.filter(role=Role.VOLUNTEER).values_list("pk", flat=True))
    user.grants.filter(pk__in=ended).delete()
    closed = not user.grants.exists() and not (user.is_staff or user.is_superuser)
    if closed:
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    forget(user)
    if ended or closed:
        audit_record(
            actor=actor,
            action="account.close",
            changes={"volunteer_grants": [len(ended), 0], "active": [True, not closed]},
            object_repr=f"#{user.pk}",
        )


# --- API tokens -----------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the clear token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that uses it.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:10], token_hash=_hash_token(raw)
    )
    audit_record(actor=user, action="token.create", obj=user, object_repr=str(token))
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise PermissionDenied(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="token.revoke", obj=user, object_repr=str(token))
    return token


@functools.cache
def _user_loader() -> RowLoader[User]:
    return RowLoader(User, User._meta.concrete_fields)


@functools.cache
def _token_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    user_columns = ", ".join(f"u.{q(str(f.column))}" for f in User._meta.concrete_fields)
    grant_columns, grant_joins = scope.grant_rows_sql()
    return (
        f"SELECT {user_columns}, t.id, CASE WHEN t.last_used_at IS NULL "  # noqa: S608
        f"OR t.last_used_at < %s THEN 1 ELSE 0 END, {grant_columns} "
        f"FROM {q(ApiToken._meta.db_table)} t JOIN {q(User._meta.db_table)} u "
        f"ON u.id = t.user_id {grant_joins} "
        f"WHERE t.token_hash = %s AND t.revoked_at IS NULL"
    )


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a bearer token, or None.

    One written-out statement reads the user, the token's freshness and the user's grants (one
    row per grant), which every API call needs for its scope: the ORM's compiling of these
    joins cost more than running them (docs/benchmarks.md, check-in burst)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy script should not write on every call.
    stale_before = ApiToken._meta.get_field("last_used_at").get_db_prep_value(
        now - timedelta(minutes=1), connection
    )
    loader = _user_loader()
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(connection.vendor), [stale_before, _hash_token(raw)])
        rows = cursor.fetchall()
    if not rows:
        return None
    first, n = rows[0], len(loader.fields)
    user = loader.load(first[:n])
    if not user.is_active:
        return None
    token_id, stale = first[n], first[n + 1]
    scope.remember_grant_rows(user, [row[n + 2 :] for row in rows])
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


# --- passwords ------------------------------------------------------------------------------

RESET_LINK_HOURS = 24


def _user_sessions_end(*, user: User, keep_session_key: str | None) -> int:
    """Delete the user's sessions from the database, but for ``keep_session_key``.

    Changing the password already voids them (Django checks a hash of the password on every
    request); deleting them leaves nothing to revive should the password hash ever come back,
    and no personal data in the session table. The sessions are stored signed, not by user:
    each live one is read, which costs little against a password change."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    from django.contrib.sessions.models import Session

    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep_session_key:
            continue
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def _credentials_revoke(*, user: User, keep_session_key: str | None) -> dict[str, list[int]]:
    """End every way into the account but the current session: after a new password, only
    someone who knows it gets in."""
    tokens = user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    sessions = _user_sessions_end(user=user, keep_session_key=keep_session_key)
    return {"api_tokens": [tokens, 0], "other_sessions": [sessions, 0]}


@transaction.atomic
def password_change(*, user: User, password: str, keep_session_key: str | None) -> None:
    """The user sets their own password (checked by the caller's form): every API token and
    every other session of theirs ends, and an initial password no longer has to be changed."""
    user.set_password(password)
    was_initial = user.must_change_password
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    changes = _credentials_revoke(user=user, keep_session_key=keep_session_key)
    if was_initial:
        changes["must_change_password"] = [1, 0]
    audit_record(actor=user, action="password.change", obj=user, changes=changes)


@transaction.atomic
def password_reset_link_create(*, actor: Actor | None, user: User) -> tuple[PasswordResetLink, str]:
    """A one-time link for ``user`` to choose a new password, valid RESET_LINK_HOURS; earlier
    unused links of theirs stop working. The clear secret is returned once, never stored."""
    if not may_manage_account(actor, user):
        raise PermissionDenied(_("You may not manage this account."))
    now = timezone.now()
    PasswordResetLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    raw = secrets.token_urlsafe(32)
    link = PasswordResetLink.objects.create(
        user=user,
        token_hash=_hash_token(raw),
        issued_by=actor if isinstance(actor, User) else None,
        expires_at=now + timedelta(hours=RESET_LINK_HOURS),
    )
    audit_record(actor=actor, action="password.reset_link", obj=user)
    return link, raw


def password_reset_link_find(raw: str) -> PasswordResetLink | None:
    """The unused, unexpired link for this secret, or None."""
    return (
        PasswordResetLink.objects.select_related("user")
        .filter(
            token_hash=_hash_token(raw),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


@transaction.atomic
def password_reset_link_use(*, raw: str, password: str) -> User:
    """Set the password a link's holder chose (checked by the caller's form); the link is
    spent, and every session and API token of the account ends."""
    found = password_reset_link_find(raw)
    link = (
        PasswordResetLink.objects.select_for_update()
        .filter(pk=found.pk, used_at__isnull=True)
        .first()
        if found is not None
        else None
    )
    if link is None:
        raise PermissionDenied(
            _("This link is not valid: it was used, has expired or was replaced.")
        )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    user = link.user
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    changes = _credentials_revoke(user=user, keep_session_key=None)
    audit_record(
        actor=user,
        action="password.reset",
        obj=user,
        changes=changes,
    )
    return user
