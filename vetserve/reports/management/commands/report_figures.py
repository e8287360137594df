"""`vetserve report-figures`: the news report's figures next to the database's own counts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vetserve.reports.selectors import story_city, story_rows


class Command(BaseCommand):
    help = (
        "Show each figure of the 2022 news report next to the database's own count of it "
        "(✓ when it reaches the report's); --check exits 1 when one falls short."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 if a figure falls short"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        city = story_city()
        if city is None:
            raise CommandError("This database holds no 张家口市 (130700): load the regions first.")
        rows = story_rows(city)
        width = max(len(str(r.figure.label)) for r in rows)
        for row in rows:
            mark = "✓" if row.reaches else "✗"
            self.stdout.write(
                f"{mark}  {str(row.figure.label).ljust(width)}  "
                f"report {row.figure.report:>10,}  ours {row.ours:>10,}  {row.figure.unit}"
            )
        short = [r for r in rows if not r.reaches]
        self.stdout.write(f"{len(rows) - len(short)} of {len(rows)} figures reach the report's.")
        if short and options["check"]:
            raise CommandError(f"{len(short)} figure(s) fall short of the report's.")
