from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vetserve.accounts.models import ORG_ROLES, Role, User
from vetserve.accounts.services import grant_create
from vetserve.audit.services import audit_record
from vetserve.orgs.models import Organization
from vetserve.regions.models import Region

ROLE_NAMES = ", ".join(Role.values)
# No 0/O, 1/l/I: the initial password is read off a screen or a phone call.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - characters, not a password


def _active_user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}.")
    return user


def _actor(username: str | None) -> User:
    """The audit log needs a real actor: the named one, or else the only superuser."""
    if username:
        return _active_user(username)
    superusers = list(User.objects.filter(is_superuser=True, is_active=True).order_by("pk")[:2])
    if not superusers:
        raise CommandError("Create an administrator first: `vetserve createsuperuser`.")
    if len(superusers) > 1:
        raise CommandError("Several administrators exist; name the one acting with --as USERNAME.")
    return superusers[0]


def _region(scope: str) -> Region:
    region = Region.objects.filter(code=scope).first()
    if region is not None:
        return region
    matches = list(Region.objects.filter(name=scope)[:5])
    if len(matches) == 1:
        return matches[0]
    if matches:
        codes = ", ".join(f"{r.code} ({r.parent})" for r in matches)
        raise CommandError(f"Several regions are called {scope}: {codes}. Give the code.")
    raise CommandError(f"No region with code or name {scope!r} (e.g. 130709 for 崇礼区).")


def _organization(scope: str) -> Organization:
    if scope.isdigit():
        org = Organization.objects.filter(pk=int(scope)).first()
        if org is None:
            raise CommandError(f"No organization with id {scope}.")
        return org
    matches = list(Organization.objects.select_related("region").filter(name=scope)[:5])
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = ", ".join(f"{o.pk} ({o.region})" for o in matches)
        raise CommandError(f"Several organizations are called {scope}: {ids}. Give the id.")
    raise CommandError(f"No organization with id or name {scope!r}.")


class Command(BaseCommand):
    help = (
        "Give a user a role in a scope: `grant bob county_admin 130709`. Region roles take a "
        "region code or name; org_leader and volunteer take an organization id or name. "
        f"Roles: {ROLE_NAMES}."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("role", help=ROLE_NAMES)
        parser.add_argument(
            "scope", help="Region code or name; for org_leader/volunteer an organization id or name"
        )
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the user if missing, with a random initial password printed once "
            "(they must change it when they first log in)",
        )
        parser.add_argument(
            "--display-name", default="", help="With --create: the name shown for the user"
        )
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="Who grants, for the audit log and the scope check (default: the only superuser)",
        )

    @transaction.atomic  # a user created for a grant that is then refused is not kept
    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"].replace("-", "_").lower()
        if role not in Role.values:
            raise CommandError(f"Unknown role {options['role']!r}; one of: {ROLE_NAMES}.")
        actor = _actor(options["actor"])
        scope: dict[str, Any]
        if role in ORG_ROLES:
            scope = {"organization": _organization(options["scope"])}
        else:
            scope = {"region": _region(options["scope"])}
        username = options["username"]
        password = ""
        if options["create"] and not User.objects.filter(username=username).exists():
            password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
            # Told over the phone or printed: the user replaces it before anything else.
            new_user = User.objects.create_user(
                username=username,
                password=password,
                display_name=options["display_name"],
                must_change_password=True,
            )
            audit_record(actor=actor, action="user.create", obj=new_user)
        user = _active_user(username)
        try:
            grant = grant_create(actor=actor, user=user, role=role, **scope)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(f"{actor.username} may not grant roles there.") from error
        target = grant.region.code if grant.region else f"organization {grant.organization_id}"
        self.stdout.write(f"{user.username}: {grant.role} @ {grant.scope_name} ({target}).")
        if password:
            self.stdout.write(
                f"Created user {username} with the initial password {password}. Tell them "
                "once, in person or by phone; they must change it when they first log in."
            )
