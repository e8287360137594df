"""Reads of proofs: the scoped list, one proof, what a proof would count, the public check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vetserve.activities.models import Category
from vetserve.badges.models import Badge
from vetserve.badges.models import Status as BadgeStatus
from vetserve.badges.selectors import mask_name, token_from_code
from vetserve.core.access import VIEW, Actor, access_object, visible_to
from vetserve.ledger.models import RECORD_SOURCES, LedgerEntry
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.proofs.models import LINES_MAX, Proof, Scope
from vetserve.proofs.tokens import proof_token_read

ACTIVITY_CHOICES = 200


def proof_list(
    *, user: Actor | None, volunteer: Volunteer | None = None, state: str = ""
) -> QuerySet[Proof]:
    """The proofs the user may see, newest first (``state``: valid or revoked)."""
    qs = visible_to(user, Proof, VIEW)
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    if state == "valid":
        qs = qs.filter(revoked_at__isnull=True)
    elif state == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    return qs.select_related("volunteer")


def access_proof(user: Actor | None, proof_id: Any, action: str = VIEW) -> Proof:
    return access_object(
        Proof.objects.select_related("volunteer", "organization"), user, action, pk=proof_id
    )


def _same_person(volunteer_id: int) -> list[int]:
    # As the ledger's balance does: a merged duplicate's history counts for the record kept.
    merged = Volunteer.objects.filter(merged_into_id=volunteer_id).values_list("pk", flat=True)
    return [volunteer_id, *merged]


@dataclass
class Selection:
    """What a proof of one unit, in one scope, counts: frozen onto the proof when issued."""

    minutes: int = 0
    confirmed_minutes: int = 0
    entries: int = 0
    lines: list[list[Any]] = field(default_factory=list)
    content: str = ""
    # The person in charge the unit's latest record names, where the unit has no leader on file.
    person_in_charge: str = ""


def proof_entries(
    *,
    volunteer: Volunteer,
    organization: Organization,
    scope: str,
    year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    activity_ids: list[int] | None = None,
) -> QuerySet[LedgerEntry]:
    """The ledger entries a proof counts: the unit's own records of the person (and the
    corrections and confirmations of them), in the scope chosen."""
    qs = LedgerEntry.objects.filter(
        volunteer_id__in=_same_person(volunteer.pk), organization=organization
    )
    if scope == Scope.YEAR and year is not None:
        qs = qs.filter(service_year=year)
    elif scope == Scope.RANGE:
        qs = qs.filter(service_date__gte=date_from, service_date__lte=date_to)
    elif scope == Scope.ACTIVITIES:
        qs = qs.filter(activity_id__in=activity_ids or [])
    return qs


def proof_selection(entries: QuerySet[LedgerEntry]) -> Selection:
    """Totals, lines per activity (most hours first) and the categories served: two queries."""
    rows = (
        entries.order_by()
        .values_list("activity_name", "category")
        .annotate(
            n=Sum("minutes"),
            confirmed=Sum("confirmed_minutes"),
            records=Count("id", filter=Q(source__in=[s.value for s in RECORD_SOURCES])),
        )
    )
    per_activity: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    categories: dict[str, int] = defaultdict(int)
    selection = Selection()
    for name, category, minutes, confirmed, records in rows:
        minutes = int(minutes or 0)
        selection.minutes += minutes
        selection.confirmed_minutes += int(confirmed or 0)
        selection.entries += int(records or 0)
        per_activity[name][0] += minutes
        per_activity[name][1] += int(records or 0)
        if category:
            categories[category] += minutes
    ordered = sorted(per_activity.items(), key=lambda item: (-item[1][0], item[0]))
    lines: list[list[Any]] = [[name, m, r] for name, (m, r) in ordered]
    if len(lines) > LINES_MAX:
        rest = ordered[LINES_MAX - 1 :]
        other: list[Any] = [
            _("Other activities (%(count)d)") % {"count": len(rest)},
            sum(m for _name, (m, _r) in rest),
            sum(r for _name, (_m, r) in rest),
        ]
        lines = [*lines[: LINES_MAX - 1], other]
    selection.lines = lines
    selection.minutes = max(selection.minutes, 0)
    selection.confirmed_minutes = min(max(selection.confirmed_minutes, 0), selection.minutes)
    selection.person_in_charge = (
        entries.exclude(person_in_charge="")
        .order_by("-service_date", "-id")
        .values_list("person_in_charge", flat=True)
        .first()
        or ""
    )
    labels = dict(Category.choices)
    selection.content = "、".join(
        str(labels.get(code, code)) for code, _n in sorted(categories.items(), key=lambda i: -i[1])
    )[:300]
    return selection


def proof_recording_units(volunteer: Volunteer) -> QuerySet[Organization]:
    """The units that recorded hours of the volunteer: those a proof may be asked of."""
    org_ids = (
        LedgerEntry.objects.filter(volunteer_id__in=_same_person(volunteer.pk))
        .order_by()
        .values("organization_id")
        .distinct()
    )
    return Organization.objects.filter(pk__in=org_ids).order_by("name")


def proof_activity_choices(volunteer: Volunteer, unit_ids: list[int]) -> list[tuple[int, str]]:
    """The activities (latest first, at most ACTIVITY_CHOICES) a proof may be limited to."""
    rows = (
        LedgerEntry.objects.filter(
            volunteer_id__in=_same_person(volunteer.pk),
            organization_id__in=unit_ids,
            activity__isnull=False,
        )
        .order_by("-service_date")
        .values_list("activity_id", "activity_name", "service_date")
    )
    seen: dict[int, str] = {}
    for activity_id, name, day in rows[: ACTIVITY_CHOICES * 5]:
        if activity_id not in seen:
            seen[activity_id] = f"{name} · {day:%Y-%m-%d}"
        if len(seen) >= ACTIVITY_CHOICES:
            break
    return list(seen.items())


def proof_badge_number(volunteer: Volunteer) -> str:
    return (
        Badge.objects.filter(volunteer=volunteer, status=BadgeStatus.ACTIVE)
        .values_list("number", flat=True)
        .first()
        or ""
    )


def proof_period(proof: Proof) -> str:
    """The scope in words, as the proof's statement uses it."""
    if proof.scope == Scope.YEAR:
        return _("in %(year)s") % {"year": proof.year}
    if proof.scope == Scope.RANGE and proof.date_from and proof.date_to:
        return _("from %(start)s to %(end)s") % {
            "start": date_format(proof.date_from, "DATE_FORMAT"),
            "end": date_format(proof.date_to, "DATE_FORMAT"),
        }
    if proof.scope == Scope.ACTIVITIES:
        return _("in the activities listed below")
    return _("up to the date of issue")


# --- the public check --------------------------------------------------------------------------

NOT_GENUINE = "not_genuine"
VALID = "valid"
REVOKED = "revoked"


@dataclass(frozen=True)
class ProofCheck:
    """What the public learns from a proof's QR code: number, masked name, hours, issuer,
    issue date, valid or revoked. Nothing else."""

    state: str
    number: str = ""
    masked_name: str = ""
    hours: str = ""
    issuer: str = ""
    issued_on: date | None = None

    @property
    def is_valid(self) -> bool:
        return self.state == VALID


def proof_verify(*, code: str) -> ProofCheck:
    """Forged, altered and unknown codes all answer "not genuine"."""
    number = proof_token_read(token_from_code(code))
    if number is None:
        return ProofCheck(NOT_GENUINE)
    proof = Proof.objects.select_related("volunteer").filter(number=number).first()
    if proof is None or not constant_time_compare(proof.number, number):
        return ProofCheck(NOT_GENUINE)
    volunteer = proof.volunteer
    erased = volunteer.is_erased
    return ProofCheck(
        state=REVOKED if (proof.revoked_at is not None or erased) else VALID,
        number=proof.number,
        masked_name="" if erased else mask_name(volunteer.name),
        hours=proof.hours,
        issuer=proof.unit_name,
        issued_on=timezone.localtime(proof.issued_at).date(),
    )
