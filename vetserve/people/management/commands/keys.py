from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.utils import get_random_secret_key

from vetserve.core.crypto import new_key


class Command(BaseCommand):
    # Runs without settings (see vetserve.cli): no system checks, no database.
    requires_system_checks: list[str] = []
    help = "Print fresh keys for a new deployment's environment (secret, data, index, badge)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--data-key-id",
            default="k1",
            help="Id for the new data key; to rotate, append it to VETSERVE_DATA_KEYS, make it "
            "VETSERVE_DATA_KEY_ID, then run `vetserve rotate-keys`.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key_id = options["data_key_id"]
        self.stdout.write(f"VETSERVE_SECRET_KEY={get_random_secret_key()}")
        self.stdout.write(f"VETSERVE_DATA_KEYS={key_id}:{new_key()}")
        self.stdout.write(f"VETSERVE_DATA_KEY_ID={key_id}")
        self.stdout.write(f"VETSERVE_BLIND_INDEX_KEY={new_key()}")
        # Its own key, so rotating the secret key does not void printed badges.
        self.stdout.write(f"VETSERVE_BADGE_SIGNING_KEY={get_random_secret_key()}")
