from __future__ import annotations

import secrets
import shlex
from typing import Any

from django.core.management.base import BaseCommand

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
        # The output is pasted into an env file that operations.md sources with `set -a; .`:
        # keys come from the url-safe alphabet (Django's secret-key alphabet has $ ( ) & ;
        # which the shell expands or chokes on), and every value is quoted for the shell all
        # the same, so a --data-key-id with odd characters survives too.
        values = {
            "VETSERVE_SECRET_KEY": secret_key(),
            "VETSERVE_DATA_KEYS": f"{key_id}:{new_key()}",
            "VETSERVE_DATA_KEY_ID": key_id,
            "VETSERVE_BLIND_INDEX_KEY": new_key(),
            # Its own key, so rotating the secret key does not void printed badges.
            "VETSERVE_BADGE_SIGNING_KEY": secret_key(),
        }
        for name, value in values.items():
            self.stdout.write(f"{name}={shlex.quote(value)}")


def secret_key() -> str:
    """67 url-safe characters (50 random bytes): as strong as Django's, and shell-safe."""
    return secrets.token_urlsafe(50)
