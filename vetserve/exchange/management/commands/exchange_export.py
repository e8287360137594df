from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vetserve.accounts.models import User
from vetserve.core.access import VIEW
from vetserve.exchange.selectors import Selection
from vetserve.exchange.services import exchange_export
from vetserve.orgs.selectors import access_organization
from vetserve.people.selectors import access_volunteer


class Command(BaseCommand):
    help = (
        "Export service records and volunteers' basics in the exchange format (docs/"
        "exchange.md) as USER sees them; full numbers only with --full and --reason (audited)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="Whose scope and rights apply")
        parser.add_argument("--format", choices=["csv", "json"], default="json")
        parser.add_argument("--organization", type=int, help="Only what this unit recorded")
        parser.add_argument("--volunteer", type=int, help="One volunteer's whole history")
        parser.add_argument("--year", type=int)
        parser.add_argument("--full", action="store_true", help="Full ID and phone numbers")
        parser.add_argument("--reason", default="", help="Why full numbers are needed")
        parser.add_argument("--output", required=True, help="The file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("No active user of that name.")
        try:
            selection = Selection(
                volunteer=access_volunteer(user, options["volunteer"], VIEW)
                if options["volunteer"]
                else None,
                organization_id=access_organization(user, options["organization"], VIEW).pk
                if options["organization"]
                else None,
                year=options["year"],
            )
            exported = exchange_export(
                actor=user,
                fmt=options["format"],
                selection=selection,
                full=options["full"],
                reason=options["reason"],
            )
        except Exception as exc:  # Http404, PermissionDenied, ValidationError: said plainly
            messages = getattr(exc, "messages", [str(exc) or "Not found."])
            raise CommandError(" ".join(messages)) from None
        Path(options["output"]).write_bytes(exported.content)
        self.stdout.write(f"{exported.records} records written to {options['output']}.")
