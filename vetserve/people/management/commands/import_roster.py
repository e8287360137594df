from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from vetserve.accounts.command_actor import command_actor
from vetserve.core.access import Actor
from vetserve.orgs.models import Organization
from vetserve.people.importing import roster_import
from vetserve.people.resolvers import OrganizationResolver
from vetserve.spreadsheets.values import BadValue


class Command(BaseCommand):
    help = (
        "Import a roster (.xlsx, .xls, .et or CSV). Prints each refused row, then one line "
        "new=N updated=M refused=K. Acts as --as USER (default: the only superuser)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the spreadsheet to import")
        parser.add_argument(
            "--org", help="organization (name or number) for rows that do not name one"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument("--as", dest="username", help="the acting user (scope, audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        actor = command_actor(options["username"])
        org = self._organization(actor, options["org"]) if options["org"] else None
        try:
            report = roster_import(
                actor=actor,
                data=data,
                filename=path.name,
                default_org=org,
                commit=not options["dry_run"],
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(
                f"Nothing was written: the database refused the import ({exc})."
            ) from None
        for message in report.file_errors:
            self.stderr.write(message)
        if report.ignored_columns:
            self.stderr.write("ignored columns: " + ", ".join(report.ignored_columns))
        for row in report.problems:
            for error in row.errors:
                self.stdout.write(f"row {row.row_number}: {error}")
        if report.file_errors:
            raise CommandError("The file cannot be imported.")
        self.stdout.write(report.summary_line())

    def _organization(self, actor: Actor | None, text: str) -> Organization:
        try:
            return OrganizationResolver(actor).resolve(text)
        except BadValue as exc:
            # Organizations the actor may only see, or not at all, get the same answer.
            raise CommandError(str(exc)) from None
