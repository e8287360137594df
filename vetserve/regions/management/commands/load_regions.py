from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vetserve.regions.services import DIVISIONS_CSV, regions_load_csv


class Command(BaseCommand):
    help = (
        "Load or refresh the administrative divisions from a CSV "
        "(code,name,level,parent_code,lon,lat). Safe to rerun: unchanged rows stay as they are."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DIVISIONS_CSV,
            help="CSV file (default: the bundled Zhangjiakou divisions)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = regions_load_csv(path=path)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except (KeyError, UnicodeDecodeError) as error:
            raise CommandError(
                f"{path} is not a divisions CSV (UTF-8, header "
                f"code,name,level,parent_code,lon,lat): {error}"
            ) from error
        self.stdout.write(
            f"Regions: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
