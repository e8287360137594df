from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vetserve.stats.services import summaries_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the dashboards' summary tables from the ledger, from scratch, in one "
        "transaction (after a restore, or to check them: the figures must not change)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        made = summaries_rebuild(actor="vetserve stats-rebuild")
        for table, rows in made.items():
            self.stdout.write(f"{table}: {rows} rows")
