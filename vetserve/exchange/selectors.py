"""Reads of the exchange: the records of an export as rows of the format, and a volunteer's
yearly statement. Lists start from the ledger's scope (``visible_to``) or a volunteer's
history (``ledger.selectors.volunteer_history``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from vetserve.activities.models import Category
from vetserve.badges.selectors import badge_numbers
from vetserve.core.access import VIEW, Actor, may_reveal, visible_to
from vetserve.exchange.fileformat import hours_text
from vetserve.exchange.models import ReceivedRecord
from vetserve.ledger.models import RECORD_SOURCES, LedgerEntry, Source
from vetserve.ledger.selectors import volunteer_history
from vetserve.people.models import Volunteer
from vetserve.people.services import volunteer_reveal_value

# Records read and turned into rows at a time.
CHUNK = 2000


@dataclass(frozen=True)
class Selection:
    """Which records an export holds: one volunteer's whole history (a transfer out), the
    records one organization recorded, or every record the actor sees; optionally one year."""

    volunteer: Volunteer | None = None
    organization_id: int | None = None
    year: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "volunteer": self.volunteer.pk if self.volunteer else None,
            "organization": self.organization_id,
            "year": self.year,
        }


def export_records(*, user: Actor | None, selection: Selection) -> QuerySet[LedgerEntry]:
    """The records (not corrections nor confirmations) of ``selection`` the user may see, in
    the file's order, each with its effective minutes (corrections applied), whether it and
    its corrections are confirmed, and what it was received as (if imported)."""
    if selection.volunteer is not None:
        rows = volunteer_history(user=user, volunteer=selection.volunteer).order_by()
    else:
        rows = visible_to(user, LedgerEntry, VIEW)
    if selection.organization_id is not None:
        rows = rows.filter(organization_id=selection.organization_id)
    if selection.year is not None:
        rows = rows.filter(service_year=selection.year)
    corrections = (
        LedgerEntry.objects.filter(refers_to=OuterRef("pk"), source=Source.CORRECTION)
        .order_by()
        .values("refers_to")
        .annotate(n=Sum("minutes"))
        .values("n")
    )
    confirmed = LedgerEntry.objects.filter(refers_to=OuterRef("pk"), source=Source.CONFIRMATION)
    open_correction = LedgerEntry.objects.filter(
        refers_to=OuterRef("pk"), source=Source.CORRECTION
    ).exclude(followers__source=Source.CONFIRMATION)
    received = ReceivedRecord.objects.filter(entry=OuterRef("pk"))
    return (
        rows.filter(source__in=[s.value for s in RECORD_SOURCES])
        .annotate(
            effective=Coalesce(Subquery(corrections, output_field=IntegerField()), 0)
            + F("minutes"),
            fully_confirmed=Exists(confirmed) & ~Exists(open_correction),
            received_id=Subquery(received.values("record_id")[:1]),
            received_at=Subquery(received.values("source_recorded_at")[:1]),
            received_confirmed=Exists(received.filter(source_confirmed=True)),
        )
        .select_related("volunteer__residence_region", "volunteer__home_org")
        .order_by("service_date", "id")
    )


def export_rows(
    *, user: Actor | None, records: QuerySet[LedgerEntry], full: bool
) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """The rows of the file, a record and its volunteer each, sorted as the format says (by
    date, then record id, so the same records give the same file in any database). Full
    numbers only where ``full`` and the user may reveal that person (``may_reveal``)."""
    entries = list(records)
    numbers = badge_numbers(user=user, volunteer_ids=sorted({e.volunteer_id for e in entries}))
    people: dict[int, dict[str, str]] = {}
    rows = []
    for entry in entries:
        volunteer = entry.volunteer
        if volunteer.pk not in people:
            people[volunteer.pk] = volunteer_basics(
                user, volunteer, full=full, number=numbers.get(volunteer.pk, "")
            )
        rows.append((record_fields(entry), people[volunteer.pk]))
    rows.sort(key=lambda row: (row[0]["service_date"], row[0]["record_id"]))
    yield from rows


def record_fields(entry: Any) -> dict[str, str]:
    minutes = int(entry.effective)
    received_at = entry.received_at
    recorded_at = received_at or entry.recorded_at
    confirmed = bool(entry.fully_confirmed or entry.received_confirmed)
    return {
        "record_id": entry.received_id or entry.hash,
        "activity_name": entry.activity_name,
        "service_date": entry.service_date.isoformat(),
        "place": entry.place,
        "content": entry.content,
        "service_minutes": str(minutes),
        "service_hours": hours_text(minutes),
        "organizing_unit": entry.organizing_unit,
        "person_in_charge": entry.person_in_charge,
        "category": entry.category,
        "status": "confirmed" if confirmed else "recorded",
        "recorded_at": timezone.localtime(recorded_at).isoformat(timespec="seconds"),
    }


def volunteer_basics(
    user: Actor | None, volunteer: Volunteer, *, full: bool, number: str
) -> dict[str, str]:
    """The registration of 办法 Art 5, masked unless ``full`` and the user may reveal it
    (then the numbers in full: a receiving system registers the person by them)."""
    shown = full and may_reveal(user, volunteer)
    birth = volunteer.birth_date if shown else None
    return {
        "volunteer_number": number,
        "name": volunteer.name,
        "gender": volunteer.gender,
        # Beside a masked number the year only (docs/decisions/0004).
        "birth_date": birth.isoformat() if birth else str(volunteer.birth_year or ""),
        "id_number": volunteer_reveal_value(volunteer, "id_number")
        if shown
        else volunteer.id_number_masked,
        "residence_area_code": volunteer.residence_region.code,
        "residence_area": volunteer.residence_region.name,
        "phone": volunteer_reveal_value(volunteer, "phone") if shown else volunteer.phone_masked,
        "skills": volunteer.skills_note,
        "service_categories": volunteer.service_categories,
    }


# --- the yearly statement ----------------------------------------------------------------------


@dataclass
class Statement:
    """A volunteer's hours of one year, by month and by category, from the ledger: the same
    entries (corrections counted in the month of the record they correct) and so the same
    totals as the balance."""

    volunteer: Volunteer
    year: int
    by_month: dict[int, int] = field(default_factory=dict)  # 1..12 → minutes
    by_category: list[tuple[str, int]] = field(default_factory=list)  # (label, minutes)
    confirmed: int = 0
    records: int = 0
    units: list[tuple[str, int]] = field(default_factory=list)  # recording unit → minutes

    @property
    def total(self) -> int:
        return sum(self.by_month.values())


def statement_of(*, user: Actor | None, volunteer: Volunteer, year: int) -> Statement:
    """Three grouped queries, whatever the number of entries."""
    rows = volunteer_history(user=user, volunteer=volunteer).order_by().filter(service_year=year)
    statement = Statement(volunteer=volunteer, year=year)
    months: dict[int, int] = defaultdict(int)
    for month, minutes, confirmed in (
        rows.annotate(month=ExtractMonth("service_date"))
        .values_list("month")
        .annotate(n=Sum("minutes"), c=Sum("confirmed_minutes"))
    ):
        months[int(month)] += int(minutes or 0)
        statement.confirmed += int(confirmed or 0)
    statement.by_month = {m: months.get(m, 0) for m in range(1, 13)}
    labels = dict(Category.choices)
    statement.by_category = [
        (str(labels.get(code, code or "—")), int(n or 0))
        for code, n in rows.values_list("category").annotate(n=Sum("minutes")).order_by("category")
    ]
    statement.units = [
        (unit, int(n or 0))
        for unit, n in rows.values_list("organizing_unit")
        .annotate(n=Sum("minutes"))
        .order_by("organizing_unit")
    ]
    statement.records = rows.filter(Q(source__in=[s.value for s in RECORD_SOURCES])).count()
    return statement


def statement_years(*, user: Actor | None, volunteer: Volunteer) -> list[int]:
    """The years with entries, newest first (the choices of the statement's page)."""
    today = timezone.localdate()
    years = set(
        volunteer_history(user=user, volunteer=volunteer)
        .order_by()
        .values_list("service_year", flat=True)
        .distinct()
    )
    years.add(today.year)
    return sorted(years, reverse=True)


def statement_default_year(today: date | None = None) -> int:
    return (today or timezone.localdate()).year
