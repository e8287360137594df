"""`vetserve create-org`: an organization from the command line, so that a fresh deployment can
import its first roster (`vetserve import-roster` needs an organization) without the pages.

It lives with the accounts commands because it acts as a user (scope and audit log) and the
organizations app sits below the accounts app."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from vetserve.accounts.command_actor import command_actor
from vetserve.accounts.management.commands.grant import _organization, _region
from vetserve.orgs.models import Kind, Specialty
from vetserve.orgs.services import organization_create

KINDS = ", ".join(Kind.values)
SPECIALTIES = ", ".join(Specialty.values)


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date: {text!r}; write it as 2021-10-01.") from None


class Command(BaseCommand):
    help = (
        "Create an organization: `create-org 崇礼区爱国拥军联合会 federation 130709`. The region "
        "is a code or a unique name; --parent names the organization above (id or unique name). "
        f"Kinds: {KINDS}. Prints the new organization's id."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name")
        parser.add_argument("kind", help=KINDS)
        parser.add_argument("region", help="Region code or unique name, e.g. 130709 or 崇礼区")
        parser.add_argument("--parent", help="The organization above: id or unique name")
        parser.add_argument("--specialty", default=Specialty.GENERAL, help=SPECIALTIES)
        parser.add_argument("--founded", help="Founding date, e.g. 2021-10-01")
        parser.add_argument("--leader", default="", help="The person in charge (负责人)")
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="Who creates it, for the audit log and the scope check (default: the only "
            "superuser)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"].lower()
        if kind not in Kind.values:
            raise CommandError(f"Unknown kind {options['kind']!r}; one of: {KINDS}.")
        if options["specialty"] not in Specialty.values:
            raise CommandError(
                f"Unknown specialty {options['specialty']!r}; one of: {SPECIALTIES}."
            )
        actor = command_actor(options["actor"])
        region = _region(options["region"])
        parent = _organization(options["parent"]) if options["parent"] else None
        try:
            org = organization_create(
                actor=actor,
                name=options["name"],
                kind=kind,
                region=region,
                parent=parent,
                specialty=options["specialty"],
                founded_on=_date(options["founded"]),
                leader_name=options["leader"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(f"{actor.username} may not add organizations there.") from error
        self.stdout.write(f"{org.pk}\t{org.name}\t{region.code}")
