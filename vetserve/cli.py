"""The `vetserve` command: our own subcommands plus every Django management command.

`vetserve --help` lists the ones people use; `vetserve help` lists all of Django's too.
Hyphenated names map to management commands (`vetserve load-regions` -> `load_regions`).
"""

from __future__ import annotations

import os
import sys

from vetserve.core.files import private_umask

# (name, one-line description); the order is the order shown by --help.
COMMANDS: list[tuple[str, str]] = [
    (
        "demo",
        "Build the Zhangjiakou demo on SQLite under var/ and serve it (--build-only, --port N)",
    ),
    ("serve", "Run the production server (gunicorn, several workers) on the configured database"),
    (
        "db-worker",
        "Run background tasks (roster imports, --enqueue'd commands) beside serve (--no-reload)",
    ),
    ("migrate", "Create or update the database tables"),
    ("load-regions", "Load or refresh the administrative divisions (safe to rerun)"),
    ("createsuperuser", "Create a login with every permission (for the first administrator)"),
    ("grant", "Give a user a role in a region or organization (grant bob county_admin 130709)"),
    (
        "create-org",
        "Create an organization (create-org NAME KIND REGION [--parent ORG]), e.g. the first one",
    ),
    ("token", "Create, list or revoke API tokens for scripts (token create USER)"),
    (
        "reset-password",
        "Print a one-time link for USER to choose a new password (forgotten passwords)",
    ),
    ("keys", "Print fresh secret, data-encryption and blind-index keys for a deployment"),
    (
        "rotate-keys",
        "Re-encrypt personal data under the current key (--reindex for a new index key)",
    ),
    (
        "proof-keys",
        "Make the key and self-signed certificate that sign proofs of service (once, at set-up)",
    ),
    ("issue-badges", "Issue numbered badges to active volunteers that have none (--org ID)"),
    (
        "import-roster",
        "Import volunteers from .xlsx/.xls/.et/CSV (FILE [--org ORG] [--dry-run] [--as USER])",
    ),
    (
        "import-qualifications",
        "Import qualifications from .xlsx/.xls/.et/CSV (FILE [--dry-run] [--as USER])",
    ),
    (
        "export-roster",
        "Export the roster, numbers masked (--format csv|xlsx --out FILE [--org ORG])",
    ),
    ("backup", "Write a backup (database, stored files, manifest with counts) to DIR/….tar"),
    ("restore", "Restore a backup and check every table's count against its manifest (FILE)"),
    ("audit-purge", "Delete audit entries older than the retention period (at least 6 months)"),
    (
        "expiry-reminders",
        "Remind of qualifications expiring in 60/30/7 days, each once (daily; --enqueue)",
    ),
    (
        "close-attendance",
        "Close stays nobody checked out at their shift's end, flagged for leaders (cron)",
    ),
    (
        "ledger-from-attendance",
        "Turn closed attendance into ledger entries, once each (close-attendance runs it too)",
    ),
    ("verify-ledger", "Verify the ledger's hash chains and name the first broken link of each"),
    ("exchange-export", "Export service records in the exchange format (docs/exchange.md)"),
    ("exchange-import", "Import an exchange file: preview, or --commit; re-importing adds nothing"),
    (
        "report-figures",
        "Show the 2022 news report's figures next to the database's own counts (--check)",
    ),
    ("stats-rebuild", "Rebuild the dashboards' summary tables from the ledger, from scratch"),
    (
        "purge-uploads",
        "Remove spreadsheet uploads left unconfirmed for an hour (cron; --enqueue)",
    ),
    (
        "purge-exports",
        "Remove background roster exports older than an hour (cron; --enqueue)",
    ),
    (
        "housekeeping",
        "Daily clean-up: expired sessions, old login failures, old background-task results",
    ),
    ("collectstatic", "Copy static files to VETSERVE_STATIC_ROOT for serving"),
    ("check", "Check the configuration and the database for problems"),
    ("shell", "Open a Python shell with the project loaded"),
]

USAGE = """usage: vetserve COMMAND [options]

VetServe 退役军人志愿服务平台 — veteran volunteer service corps management.

commands:
{commands}

`vetserve COMMAND --help` explains one command; `vetserve help` lists every Django command too.
Settings come from environment variables: see .env.example.
"""


def usage() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS]
    return USAGE.format(commands="\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    # Everything written from here (database, exports, keys, uploads) is the service user's
    # alone, whatever umask the shell or the unit left (issue 12, item 16).
    private_umask()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(usage())
        return 0
    name = args[0]
    if name == "keys":
        # Makes the keys a configuration needs, so it must run before there is one.
        from vetserve.people.management.commands.keys import Command

        command_obj = Command()
        parser = command_obj.create_parser("vetserve", "keys")
        command_obj.execute(**vars(parser.parse_args(args[1:])))
        return 0
    if name == "demo":
        from vetserve.demo.environment import prepare_demo_environment

        prepare_demo_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetserve.settings")
    from django.core.management import execute_from_command_line

    command = name if name == "help" else name.replace("-", "_")
    execute_from_command_line(["vetserve", command, *args[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
