from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vetserve.ledger.selectors import chain_verify


class Command(BaseCommand):
    help = (
        "Verify the ledger's hash chains, one per organization, and name the first broken "
        "link of each; exits with status 1 when any chain is broken."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organization", type=int, action="append", help="Only these ids")

    def handle(self, *args: Any, **options: Any) -> None:
        reports = chain_verify(options["organization"])
        broken = 0
        for report in reports:
            if report.broken is None:
                self.stdout.write(
                    f"ok      org {report.organization_id} {report.organization_name}: "
                    f"{report.entries} entries, head {report.head}"
                )
            else:
                broken += 1
                link = report.broken
                self.stdout.write(
                    f"BROKEN  org {report.organization_id} {report.organization_name}: "
                    f"first broken link at seq {link.seq} (entry id {link.entry_id}): "
                    f"{link.problem}"
                )
        self.stdout.write(f"{len(reports)} chains, {broken} broken.")
        if broken:
            raise CommandError(f"{broken} broken chain(s)")
