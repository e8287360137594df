from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vetserve.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup: the database (SQLite's online backup or pg_dump), the stored files "
        "and a manifest with every table's row count, as DIR/vetserve-<UTC time>.tar. Safe "
        "while the server runs. The keys are not in it (keep the environment file apart)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "directory", nargs="?", default="backups", help="Where to write (default: backups)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path, manifest = backup_create(Path(options["directory"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"{path}\t{path.stat().st_size} bytes: {manifest['database']} database, "
            f"{len(manifest['counts'])} tables, {rows} rows, {media} stored files."
        )
