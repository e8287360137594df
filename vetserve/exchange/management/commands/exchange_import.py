from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vetserve.accounts.models import User
from vetserve.core.access import CHANGE
from vetserve.exchange.services import exchange_import
from vetserve.orgs.selectors import access_organization


class Command(BaseCommand):
    help = (
        "Import a file of the exchange format into ORGANIZATION as USER: a preview (counts and "
        "every bad row) unless --commit; re-importing the same file adds nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--user", required=True)
        parser.add_argument("--organization", type=int, required=True, help="Receiving unit")
        parser.add_argument("--commit", action="store_true", help="Import (else preview)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("No active user of that name.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            organization = access_organization(user, options["organization"], CHANGE)
            result = exchange_import(
                actor=user,
                organization=organization,
                data=path.read_bytes(),
                fmt="json" if path.suffix.lower() == ".json" else "csv",
                filename=path.name,
                commit=options["commit"],
            )
        except Exception as exc:  # Http404, PermissionDenied: said plainly
            raise CommandError(str(exc) or "No such organization in your scope.") from None
        if result.fatal:
            raise CommandError(result.fatal)
        for line, message in result.errors:
            self.stdout.write(f"row {line}: {message}")
        counts = ", ".join(f"{k} {v}" for k, v in result.as_dict().items())
        self.stdout.write(("committed: " if result.committed else "preview: ") + counts)
        if result.errors:
            raise CommandError(f"{len(result.errors)} bad row(s); nothing imported.")
