from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vetserve.core.crypto import keyring
from vetserve.people.services import rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt personal data under the current data key (--reindex: new index key too)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute the blind indexes (after changing VETSERVE_BLIND_INDEX_KEY).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = rotate_keys(reindex=options["reindex"])
        self.stdout.write(f"rewritten={count} current_key={keyring().current}")
