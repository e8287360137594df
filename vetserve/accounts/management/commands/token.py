from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vetserve.accounts.models import ApiToken, User
from vetserve.accounts.services import api_token_create, api_token_revoke


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    return user


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "-"


class Command(BaseCommand):
    help = (
        "API tokens for scripts: `token create USER [--name NAME]` prints a new token once; "
        "`token list [USER]`; `token revoke ID`. A token acts with its user's grants."
    )

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create a token and print it once")
        create.add_argument("username")
        create.add_argument(
            "--name", default="script", help="What uses the token (default: script)"
        )
        listing = actions.add_parser("list", help="List tokens (never the tokens themselves)")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id (see `token list`)")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create(options["username"], options["name"])
        elif action == "list":
            self.list(options["username"])
        else:
            self.revoke(options["token_id"])

    def create(self, username: str, name: str) -> None:
        user = _user(username)
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; a token of theirs would not work.")
        try:
            token, raw = api_token_create(user=user, name=name)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Token {token.pk} ({token.name}) for {user.username}:")
        self.stdout.write(raw)
        self.stdout.write(
            "Store it now: it is not kept and cannot be shown again. "
            "Send it as `Authorization: Bearer <token>`."
        )

    def list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("pk")
        if username:
            tokens = tokens.filter(user=_user(username))
        rows = [
            (
                str(t.pk),
                t.user.username,
                t.name,
                f"{t.prefix}…",
                _when(t.created_at),
                _when(t.last_used_at),
                "active" if t.is_active else f"revoked {_when(t.revoked_at)}",
            )
            for t in tokens
        ]
        if not rows:
            self.stdout.write("No tokens.")
            return
        header = ("id", "user", "name", "token", "created", "last used", "status")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )

    def revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No token with id {token_id}.")
        if not token.is_active:
            self.stdout.write(f"Token {token_id} was already revoked {_when(token.revoked_at)}.")
            return
        try:
            api_token_revoke(user=token.user, token_id=token_id)
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Revoked token {token_id} ({token.name}) of {token.user.username}.")
