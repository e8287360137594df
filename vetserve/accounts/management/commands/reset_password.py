from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from vetserve.accounts.command_actor import command_actor
from vetserve.accounts.models import User
from vetserve.accounts.services import RESET_LINK_HOURS, password_reset_link_create


def _base_url() -> str:
    """Where people reach the site: the first trusted origin, else the first allowed host."""
    if settings.CSRF_TRUSTED_ORIGINS:
        return str(settings.CSRF_TRUSTED_ORIGINS[0]).rstrip("/")
    host = next((h for h in settings.ALLOWED_HOSTS if h and h != "*"), "127.0.0.1")
    return f"http://{host.lstrip('.')}:8000"


class Command(BaseCommand):
    help = (
        "Print a one-time link with which USERNAME chooses a new password (valid "
        f"{RESET_LINK_HOURS} hours; earlier links stop working). For a forgotten password, the "
        "first administrator's included."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="Who issues the link, for the audit log (default: the only superuser)",
        )
        parser.add_argument(
            "--base-url",
            help="The site's address, e.g. https://vs.example.cn (default: the first "
            "VETSERVE_CSRF_TRUSTED_ORIGINS entry)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        # The first administrator resets their own password: with one superuser, they act.
        actor = user if options["actor"] is None and user.is_superuser else None
        if actor is None:
            actor = command_actor(options["actor"])
        try:
            _link, raw = password_reset_link_create(actor=actor, user=user)
        except PermissionDenied as error:
            raise CommandError(f"{actor.username} may not manage {user.username}.") from error
        base = (options["base_url"] or _base_url()).rstrip("/")
        self.stdout.write(f"{base}{reverse('accounts:password_reset', args=[raw])}")
        self.stdout.write(
            f"Give this link to {user.username} only. It works once, for {RESET_LINK_HOURS} hours."
        )
