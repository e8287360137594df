from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vetserve.accounts.command_actor import command_actor
from vetserve.core.files import write_private
from vetserve.orgs.selectors import organization_list
from vetserve.people.exporting import ExportFilters, roster_export
from vetserve.spreadsheets.writers import FORMATS


class Command(BaseCommand):
    help = (
        "Export the roster the acting user may see, numbers masked, to .xlsx or CSV "
        "(audit-logged). Acts as --as USER (default: the only superuser)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--org", help="only this organization (name or number) and below")
        parser.add_argument("--as", dest="username", help="the acting user (scope, audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["username"])
        org = None
        if options["org"]:
            text = options["org"].strip()
            orgs = organization_list(user=actor)
            found = list(orgs.filter(pk=int(text)) if text.isdigit() else orgs.filter(name=text))
            if len(found) != 1:
                raise CommandError(f"No single organization {text!r} that you can see.")
            org = found[0]
        exported = roster_export(
            actor=actor, fmt=options["format"], filters=ExportFilters(organization=org)
        )
        write_private(Path(options["out"]), exported.content())  # personal data: 0600
        self.stdout.write(f"rows={exported.rows} file={options['out']}")
