from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vetserve.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `vetserve backup` into the configured database (created if "
        "missing) and media directory, then count every table again against the backup's "
        "manifest. Refuses a database that holds tables unless --force. Stop the servers and "
        "the worker first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="A vetserve-<time>.tar written by `vetserve backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds tables (everything in it is lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(Path(options["file"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not report.ok:
            for table, (expected, found) in sorted(report.mismatches.items()):
                self.stderr.write(f"{table}: {found} rows, the backup had {expected}")
            raise CommandError(
                f"Restored, but {len(report.mismatches)} tables differ from the backup."
            )
        self.stdout.write(
            f"Restored {report.tables} tables, {report.rows} rows and {report.files} stored "
            "files; every count equals the backup's."
        )
        if report.unapplied:
            self.stdout.write(
                f"This code has {len(report.unapplied)} migrations the backup did not: run "
                "`vetserve migrate` before serving."
            )
