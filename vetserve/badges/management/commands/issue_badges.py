from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from vetserve.accounts.models import User
from vetserve.badges.models import Badge, Status
from vetserve.badges.services import badges_issue_bulk
from vetserve.orgs.models import Organization
from vetserve.people.models import Status as VolunteerStatus
from vetserve.people.models import Volunteer


class Command(BaseCommand):
    help = (
        "Issue numbered badges to active volunteers that have none (all, or those of one "
        "organization and its sub-organizations)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", type=int, help="Organization id (sub-organizations included)")
        parser.add_argument(
            "--issued-on", type=date.fromisoformat, help="Issue date, YYYY-MM-DD (default today)"
        )
        parser.add_argument(
            "--user",
            help="Username recorded as the issuer (default: the first active superuser); "
            "the badges must lie within that user's scope",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["user"])
        volunteers = Volunteer.objects.filter(
            status=VolunteerStatus.ACTIVE, erased_at__isnull=True
        ).exclude(pk__in=Badge.objects.filter(status=Status.ACTIVE).values("volunteer_id"))
        if options["org"] is not None:
            org = Organization.objects.filter(pk=options["org"]).first()
            if org is None:
                raise CommandError(f"No organization with id {options['org']}.")
            volunteers = volunteers.filter(Q(home_org__path__startswith=org.path))
        issued_on = options["issued_on"] or timezone.localdate()
        badges = badges_issue_bulk(
            actor=actor, volunteers=list(volunteers.order_by("pk")), issued_on=issued_on
        )
        if badges:
            self.stdout.write(
                f"Issued {len(badges)} badges ({badges[0].number} … {badges[-1].number})."
            )
        else:
            self.stdout.write("Every active volunteer already holds a valid badge.")

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.")
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                "Pass --user USERNAME, or create an administrator first (vetserve createsuperuser)."
            )
        return user
