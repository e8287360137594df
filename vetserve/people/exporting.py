"""Export the roster a user may see, as .xlsx or CSV; and the import template.

Numbers are masked unless the user holds the reveal permission and gives a reason; then only
the records inside their change scope are shown in full (as `core.access.may_reveal`).
Every export is one audit entry: who, when, how many rows, which filters, revealed or not and
why (PIPL Art 51; DOMAIN.md). Cells that a spreadsheet would run as a formula (=, +, -, @, and
tab or carriage return before them) get a leading apostrophe (CSV/formula injection).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vetserve.accounts.models import User
from vetserve.audit.services import audit_record
from vetserve.core.access import (
    CHANGE,
    Actor,
    may_export_full_numbers,
    may_reveal,
    visible_to,
)
from vetserve.orgs.models import Organization
from vetserve.people.idnumbers import mask_search
from vetserve.people.models import Volunteer
from vetserve.people.roster_columns import BY_KEY, COLUMNS
from vetserve.people.selectors import volunteer_list
from vetserve.people.services import CONSENT_TEXT_VERSION, volunteer_reveal_value
from vetserve.regions.models import Region
from vetserve.spreadsheets.writers import (
    CONTENT_TYPES,
    FORMATS,
    csv_bytes,
    csv_stream,
    neutralize,
    xlsx_bytes,
)

# ID and phone columns are text in the template, so Excel keeps every digit.
_TEXT_COLUMNS = ("id_number", "phone", "emergency_phone")


@dataclass(frozen=True)
class ExportFilters:
    search: str = ""
    region: Region | None = None
    organization: Organization | None = None
    status: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            # The audit log keeps what was searched, but a number only masked.
            "q": mask_search(self.search),
            "region": self.region.code if self.region else "",
            "org": str(self.organization.pk) if self.organization else "",
            "status": self.status,
        }


@dataclass(frozen=True)
class ExportColumns:
    """Columns another app adds to the roster export (hours from attendance, the badge
    number from badges), registered in ``EXPORT_COLUMNS`` when the apps are ready: the
    people app sits below them and cannot ask them itself.

    ``values`` is called once per chunk of rows (one query or a few, never one per row) with
    the ids of the chunk's volunteers and answers their cells by id; a volunteer missing
    from the answer gets empty cells."""

    order: int
    titles: Callable[[], list[str]]
    values: Callable[[Actor | None, list[int]], dict[int, list[str]]]


EXPORT_COLUMNS: list[ExportColumns] = []

# Rows fetched and handed to the extra columns at a time: the memory of one chunk, the
# queries of one chunk.
CHUNK_ROWS = 2000


@dataclass
class RosterExport:
    """An export about to be written: the audit entry is in, the rows are read as the file is
    written (``chunks`` for a streamed CSV, ``content`` for a whole file)."""

    fmt: str
    titles: list[str]
    lines: Iterator[list[str]]
    rows: int
    filename: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]

    def chunks(self) -> Iterator[bytes]:
        if self.fmt != "csv":
            yield self.content()
            return
        yield from csv_stream(self.titles, self.lines)

    def content(self) -> bytes:
        if self.fmt == "csv":
            return csv_bytes(self.titles, self.lines)
        return xlsx_bytes(_("Volunteers"), self.titles, self.lines)


def _header_keys() -> list[str]:
    keys = [c.key for c in COLUMNS]
    keys.insert(keys.index("organization") + 1, "status")
    return keys


def _title(key: str) -> str:
    return pgettext("roster column", "Status") if key == "status" else str(BY_KEY[key].label)


def roster_export(
    *,
    actor: Actor | None,
    fmt: str,
    filters: ExportFilters | None = None,
    reveal: bool = False,
    reason: str = "",
) -> RosterExport:
    """The roster ``actor`` may see, filtered, masked or (``reveal``, with a reason) in full
    where they may reveal. The audit entry is written before any row leaves: a download cut
    off halfway is still on record."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    filters = filters or ExportFilters()
    reason = reason.strip()
    if reveal:
        if not may_export_full_numbers(actor):
            raise PermissionDenied(_("You may not see full numbers."))
        if len(reason) < 2:
            raise ValidationError(
                {"reason": _("Say why you need the full numbers.")}, code="reason"
            )
    queryset = _queryset(actor, filters)
    rows = queryset.count()
    # The rows shown in full: those whose home organization the actor may change, the
    # rule of ``may_reveal`` applied to each row below, counted in SQL.
    revealed = (
        queryset.filter(home_org__in=visible_to(actor, Organization, CHANGE).values("pk")).count()
        if reveal
        else 0
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    base = _("volunteer-roster")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="roster.export",
            region_id=_place_region(actor, filters),
            organization_id=filters.organization.pk if filters.organization else None,
            reason=reason if reveal else "",
            changes={
                "format": [None, fmt],
                "rows": [None, rows],
                "revealed": [None, revealed],
                "filters": [None, filters.as_dict()],
            },
        )
    titles, lines = roster_rows(actor=actor, filters=filters, reveal=reveal)
    return RosterExport(
        fmt=fmt, titles=titles, lines=lines, rows=rows, filename=f"{base}-{stamp}.{fmt}"
    )


def roster_rows(
    *, actor: Actor | None, filters: ExportFilters, reveal: bool
) -> tuple[list[str], Iterator[list[str]]]:
    """The export's titles and its rows, read as they are consumed. No checks and no audit
    entry: ``roster_export`` makes both; a background job calls this with what it approved."""
    keys = _header_keys()
    extras = sorted(EXPORT_COLUMNS, key=lambda c: c.order)
    titles = [_title(k) for k in keys] + [t for c in extras for t in c.titles()]
    return titles, _lines(actor, _queryset(actor, filters), keys, extras, reveal)


def _queryset(actor: Actor | None, filters: ExportFilters) -> QuerySet[Volunteer]:
    return volunteer_list(
        user=actor,
        search=filters.search,
        region=filters.region,
        organization=filters.organization,
        status=filters.status,
    ).order_by("home_org_id", "name", "pk")


def _lines(
    actor: Actor | None,
    queryset: QuerySet[Volunteer],
    keys: list[str],
    extras: list[ExportColumns],
    reveal: bool,
) -> Iterator[list[str]]:
    labels = _choice_labels()
    for chunk in _chunks(queryset):
        ids = [v.pk for v in chunk]
        answers = [(c.values(actor, ids), len(c.titles())) for c in extras]
        for volunteer in chunk:
            line = _row(actor, volunteer, keys, reveal, labels)
            for answer, width in answers:
                line.extend(neutralize(v) for v in answer.get(volunteer.pk, [""] * width))
            yield line


def _chunks(queryset: QuerySet[Volunteer]) -> Iterator[list[Volunteer]]:
    chunk: list[Volunteer] = []
    for volunteer in queryset.iterator(chunk_size=CHUNK_ROWS):
        chunk.append(volunteer)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_CHOICE_FIELDS = ("gender", "status", "service_branch", "party")


def _choice_labels() -> dict[str, dict[str, str]]:
    """The labels of the choice fields, translated once per export: ``get_FOO_display`` hashes
    every lazy label on each call, which was half the time of a large export
    (bench/exports.py)."""
    labels: dict[str, dict[str, str]] = {}
    for name in _CHOICE_FIELDS:
        field = Volunteer._meta.get_field(name)
        choices = getattr(field, "flatchoices", None) or []
        labels[name] = {str(value): str(label) for value, label in choices}
    return labels


def _row(
    actor: Actor | None,
    volunteer: Volunteer,
    keys: list[str],
    reveal: bool,
    labels: dict[str, dict[str, str]],
) -> list[str]:
    full = reveal and may_reveal(actor, volunteer)

    def shown(name: str) -> str:
        value = getattr(volunteer, name)
        return labels[name].get(str(value), value or "")

    values = {
        "name": volunteer.name,
        "gender": shown("gender"),
        # Beside a masked number the year only: the date would give the number back
        # (docs/decisions/0004). With the full number the date is in it anyway.
        "birth_date": _birth(volunteer) if full else str(volunteer.birth_year or ""),
        "id_number": volunteer_reveal_value(volunteer, "id_number")
        if full
        else volunteer.id_number_masked,
        "phone": volunteer_reveal_value(volunteer, "phone") if full else volunteer.phone_masked,
        "residence_region": volunteer.residence_region.name,
        "address": volunteer.address,
        "organization": volunteer.home_org.name,
        "status": shown("status"),
        "service_branch": shown("service_branch"),
        "enlisted_year": str(volunteer.enlisted_year or ""),
        "discharged_year": str(volunteer.discharged_year or ""),
        "military_specialty": volunteer.military_specialty,
        "party": shown("party"),
        "emergency_name": volunteer.emergency_name,
        "emergency_phone": volunteer_reveal_value(volunteer, "emergency_phone")
        if full
        else volunteer.emergency_phone_masked,
        "skills_note": volunteer.skills_note,
        "service_categories": volunteer.service_categories,
    }
    return [neutralize(str(values[k])) for k in keys]


def _birth(volunteer: Volunteer) -> str:
    birth = volunteer.birth_date
    return birth.isoformat() if birth else ""


def _place_region(actor: Actor | None, filters: ExportFilters) -> int | None:
    """Where the audit entry lives: the filtered region or organization, else the actor's
    first grant, so the admins above see who exported from their area."""
    if filters.region is not None:
        return filters.region.pk
    if filters.organization is not None:
        return filters.organization.region_id
    grants = actor.active_grants() if isinstance(actor, User) else []
    for grant in grants:
        if grant.region_id is not None:
            return int(grant.region_id)
        if grant.organization is not None:
            return int(grant.organization.region_id)
    return None


def roster_template() -> bytes:
    """An empty roster to fill in: a title row, the header, ID and phone columns as text (so
    Excel keeps all 18 digits), and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Volunteers")
    titles = [str(c.label) for c in COLUMNS]
    sheet.cell(row=1, column=1, value=_("Veteran volunteer roster (do not change the header row)"))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(titles))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for index, (column, title) in enumerate(zip(COLUMNS, titles, strict=True), start=1):
        cell = sheet.cell(row=2, column=index, value=title)
        cell.font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if column.key in _TEXT_COLUMNS else 14
        if column.key in _TEXT_COLUMNS:
            for row in range(3, 1003):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A3"
    notes = workbook.create_sheet(_("Instructions"))
    for line in _instructions():
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions() -> list[str]:
    return [
        _("How to fill in the roster"),
        _("1. One volunteer per row, from row 3. Name, ID number and mobile phone are required."),
        _(
            "2. Type ID and phone numbers as text (the columns are formatted so); a number "
            "shown as 1.30722E+17 has lost digits and the row will be refused."
        ),
        _("3. Gender and birth date may be left empty: they are read from the ID number."),
        _(
            "4. Organization: its exact name or its number; leave it empty to use the "
            "organization chosen when importing."
        ),
        _("5. Residence area: a township or county name (西湾子镇, 崇礼区西湾子镇) or its code."),
        _(
            "6. Importing the same person again updates the filled-in fields; empty cells "
            "change nothing."
        ),
        _(
            "7. By importing, the organization confirms each volunteer agreed to be registered "
            "(consent text version %(version)s)."
        )
        % {"version": CONSENT_TEXT_VERSION},
    ]
