from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vetserve.proofs.keys import proof_keys_create


class Command(BaseCommand):
    help = (
        "Make the deployment's key and self-signed certificate that sign proofs of service "
        "(PROOF_KEY_DIR, private to the service user). Run once at set-up."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Make a new key in place of the existing one (keep a copy of the old "
            "certificate: proofs signed with it stay checkable against it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key_path, cert_path = proof_keys_create(
                common_name=str(settings.CORPS_NAME), replace=options["replace"]
            )
        except FileExistsError as error:
            raise CommandError(
                f"A signing key exists already ({error}); --replace makes a new one."
            ) from error
        self.stdout.write(f"Key: {key_path}\nCertificate: {cert_path}")
