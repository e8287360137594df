"""Import a roster from a spreadsheet: check every row, show the plan, then write it at once.

`roster_import` is the one way in, for the page, the command and the benchmark alike. With
``commit=False`` it writes nothing and returns what would happen to each row (the preview); with
``commit=True`` it checks everything again and writes all valid rows in one transaction, or
nothing. A row is *new* (a registration, with the volunteer's consent recorded as the
organization's entry, 办法 Art 6), an *update* of a record the actor may change (only the
fields the file fills and that differ, through `volunteer_update`), or *refused* with its
problems in words, row by row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vetserve.audit.services import audit_record
from vetserve.core.access import Actor, may_change_org, may_change_somewhere, may_change_volunteer
from vetserve.core.text import fold_width
from vetserve.orgs.models import Organization
from vetserve.people import bulk
from vetserve.people.idnumbers import (
    InvalidNumber,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    parse_phone,
)
from vetserve.people.models import Volunteer
from vetserve.people.resolvers import OrganizationResolver, RegionResolver
from vetserve.people.roster_columns import BY_KEY, REQUIRED, column_key
from vetserve.people.roster_values import parse_branch, parse_gender, parse_party
from vetserve.people.services import (
    check_identity,
    duplicate_message,
    id_index,
    phone_index,
    volunteer_reveal_value,
    volunteer_update,
)
from vetserve.regions.models import Region
from vetserve.spreadsheets.headers import Header, find_header
from vetserve.spreadsheets.readers import Table
from vetserve.spreadsheets.reports import NEW, REFUSED, UPDATE, Report
from vetserve.spreadsheets.values import (
    BadValue,
    PartialDate,
    limit_length,
    parse_partial_date,
    parse_year,
)

LOOKUP_CHUNK = 500
# How often a long import reports how far it got: one small UPDATE per 2,000 rows is 50 for a
# 100,000-row file, nothing beside the import itself (a write per row made a background import
# of 10,000 rows take minutes; docs/decisions/0008-background-imports.md).
PROGRESS_EVERY = 2000

# Told how far an import got: (step, rows done, rows in all); steps "check", "prepare", "write".
Progress = Callable[[str, int, int], None]

# Plain text fields: column key -> model max length.
_TEXT_FIELDS = {
    "address": 200,
    "military_specialty": 50,
    "emergency_name": 50,
    "skills_note": 200,
    "service_categories": 200,
}
_CHOICE_FIELDS = {"service_branch": parse_branch, "party": parse_party}
_YEAR_FIELDS = ("enlisted_year", "discharged_year")


@dataclass
class RowResult:
    """What happens to one row of the file; ``row_number`` counts from the file's first row."""

    row_number: int
    action: str = NEW
    errors: list[str] = field(default_factory=list)
    name: str = ""
    id_masked: str = ""
    organization: str = ""
    changes: list[str] = field(default_factory=list)  # column titles an update changes
    values: dict[str, Any] = field(default_factory=dict, repr=False)
    existing: Volunteer | None = field(default=None, repr=False)
    index: str = field(default="", repr=False)


@dataclass
class ImportReport(Report[RowResult]):
    """The roster import's report; ``header`` is where the file's columns were found."""

    header: Header | None = field(default=None, repr=False)


def roster_import(
    *,
    actor: Actor | None,
    data: bytes,
    filename: str,
    default_org: Organization | None = None,
    commit: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and with ``commit``, write) a roster file. Raises PermissionDenied when the actor
    may change no organization, or not ``default_org``; a database error while writing
    propagates after the transaction has rolled everything back. ``progress``, if given, is
    told every `PROGRESS_EVERY` rows how far the check and the write got (the background
    import's progress bar); it is never called inside the write's transaction."""
    if not may_change_somewhere(actor):
        raise PermissionDenied(_("You may not import volunteers."))
    if default_org is not None and not may_change_org(actor, default_org):
        raise PermissionDenied(_("You may not manage volunteers of this organization."))
    report = ImportReport(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    found = report.read_header(
        data,
        find=_first_with_header,
        no_header=_(
            "No header row found in the first rows: the header needs at least two known "
            "column names such as 姓名, 身份证号 and 手机. Download the template to see them."
        ),
    )
    if found is None:
        return report
    table, header = found
    report.header = header
    if missing := header.missing(REQUIRED):
        report.file_errors.append(
            _("The file has no column for: %(columns)s.")
            % {"columns": "、".join(str(BY_KEY[k].label) for k in missing)}
        )
        return report
    if "organization" not in header.columns and default_org is None:
        report.file_errors.append(
            _(
                "Say which organization the volunteers belong to: choose one, or add a column "
                "“所属组织” to the file."
            )
        )
        return report
    checker = _RowChecker(actor, header, default_org)
    body = table.rows[header.row_index + 1 :]
    for offset, cells in enumerate(body):
        if progress is not None and offset % PROGRESS_EVERY == 0:
            progress("check", offset, len(body))
        result = checker.check(header.row_index + 2 + offset, cells)
        if result is not None:
            report.rows.append(result)
    _match_existing(actor, report.rows, header)
    if progress is not None:
        progress("check", len(body), len(body))
    if commit:
        _write(actor, report, default_org, progress)
    return report


def roster_write_checked(
    *,
    actor: Actor | None,
    report: ImportReport,
    default_org: Organization | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Write a report that `roster_import` checked a moment ago for the same actor and file
    (the background preview, still held by the worker), without reading and checking the file
    again: the rights are asked again, for every organization written to, and the ID numbers
    are matched against the roster as it is now (someone registered meanwhile becomes an
    update, never a duplicate). Raises as `roster_import` does."""
    assert report.header is not None and not report.file_errors and not report.committed
    if not may_change_somewhere(actor):
        raise PermissionDenied(_("You may not import volunteers."))
    orgs = {
        r.values["home_org"].pk: r.values["home_org"]
        for r in report.rows
        if r.action != REFUSED and r.values
    }
    if default_org is not None:
        orgs[default_org.pk] = default_org
    if not all(may_change_org(actor, org) for org in orgs.values()):
        raise PermissionDenied(_("You may not manage volunteers of this organization."))
    for row in report.rows:
        if row.action == UPDATE:
            row.action, row.existing, row.changes = NEW, None, []
            row.values.pop("update", None)
    _match_existing(actor, report.rows, report.header)
    _write(actor, report, default_org, progress)
    return report


def _first_with_header(tables: Iterable[Table]) -> tuple[Table, Header] | None:
    for table in tables:
        header = find_header(table.rows, key_of=column_key)
        if header is not None:
            return table, header
    return None


_DASHED_MOBILE = re.compile(r"^(?:\+86|0086)?1\d{10}$")


def _dashed_mobile(text: str) -> str:
    """Rosters write mobiles as 139-0000-1111; a landline keeps its dash (0313-1234567)."""
    compact = re.sub(r"[\s-]", "", text)
    return compact if _DASHED_MOBILE.match(compact) else text


class _RowChecker:
    """Turns the cells of one row into clean values or Chinese messages, column by column."""

    def __init__(
        self, actor: Actor | None, header: Header, default_org: Organization | None
    ) -> None:
        self.header = header
        self.default_org = default_org
        self.orgs = OrganizationResolver(actor)
        self.regions = RegionResolver(actor)
        self.known_codes = frozenset(self.regions.by_code)
        self.seen: dict[str, int] = {}
        self.today = date.today()

    def check(self, row_number: int, cells: list[str]) -> RowResult | None:
        raw: dict[str, str] = {}
        for key, position in self.header.columns.items():
            text = cells[position] if position < len(cells) else ""
            raw[key] = fold_width(text) if text else ""
        if not any(raw.values()):
            return None  # an empty or pre-numbered row
        if column_key(raw["id_number"]) == "id_number":
            return None  # the header repeated (printed rosters repeat it on every page)
        result = RowResult(row_number=row_number)
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}

        name = " ".join(raw["name"].split())
        result.name = name
        if not name:
            errors["name"] = _("The name is required.")
        elif len(name) > 50:
            errors["name"] = _("Too long: at most %(limit)d characters.") % {"limit": 50}
        values["name"] = name

        gender = birth = None
        partial: PartialDate | None = None
        if raw.get("gender"):
            try:
                gender = parse_gender(raw["gender"])
            except BadValue as exc:
                errors["gender"] = str(exc)
        if raw.get("birth_date"):
            try:
                partial = parse_partial_date(raw["birth_date"])
            except BadValue as exc:
                errors["birth_date"] = str(exc)
            else:
                if partial.day is not None:
                    birth = date(partial.year, partial.month, partial.day)
        typed = normalize_id_number(raw["id_number"])
        if len(typed) == 18:
            result.id_masked = mask_id_number(typed)  # shown masked even when refused
        try:
            identity = check_identity(
                id_number=raw["id_number"],
                gender=gender,
                birth_date=birth,
                today=self.today,
                known_address_codes=self.known_codes,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, messages[0])
        else:
            result.id_masked = mask_id_number(identity.number)
            if partial is not None and birth is None and not partial.matches(identity.birth_date):
                errors["birth_date"] = _(
                    "The birth date does not match the ID number (%(date)s)."
                ) % {"date": identity.birth_date.isoformat()}
            first = self.seen.setdefault(identity.number, row_number)
            if first != row_number:
                errors["id_number"] = _(
                    "The same ID number is already in row %(row)d of this file."
                ) % {"row": first}
            values.update(
                id_number=identity.number,
                gender=identity.gender,
                birth_date=identity.birth_date,
                unknown_address=identity.unknown_address,
            )

        for key, required in (("phone", True), ("emergency_phone", False)):
            text = raw.get(key, "")
            if not text and not required:
                continue
            try:
                values[key] = parse_phone(_dashed_mobile(text))
            except InvalidNumber as exc:
                errors[key] = str(exc)

        org = self._organization(raw.get("organization", ""), errors)
        if org is not None:
            values["home_org"] = org
            result.organization = org.name
            region_text = raw.get("residence_region", "")
            if region_text:
                try:
                    values["residence_region"] = self.regions.resolve(region_text, near=org.region)
                except BadValue as exc:
                    errors["residence_region"] = str(exc)

        details: dict[str, Any] = {}
        for key, limit in _TEXT_FIELDS.items():
            text = " ".join(raw.get(key, "").split())
            if text:
                try:
                    details[key] = limit_length(text, limit)
                except BadValue as exc:
                    errors[key] = str(exc)
        for key, parser in _CHOICE_FIELDS.items():
            if raw.get(key):
                try:
                    details[key] = parser(raw[key])
                except BadValue as exc:
                    errors[key] = str(exc)
        for key in _YEAR_FIELDS:
            if raw.get(key):
                try:
                    details[key] = parse_year(raw[key], today=self.today)
                except BadValue as exc:
                    errors[key] = str(exc)
        if details.get("discharged_year", 9999) < details.get("enlisted_year", 0):
            errors["discharged_year"] = _("The year discharged is before the year enlisted.")
        values["details"] = details

        if errors:
            result.action = REFUSED
            result.errors = [self._message(key, text) for key, text in errors.items()]
        else:
            result.values = values
        return result

    def _organization(self, text: str, errors: dict[str, str]) -> Organization | None:
        if text:
            try:
                return self.orgs.resolve(text)
            except BadValue as exc:
                errors["organization"] = str(exc)
                return None
        if self.default_org is None:
            errors["organization"] = _("No organization: fill in this column.")
        return self.default_org

    def _message(self, key: str, text: str) -> str:
        title = self.header.titles.get(key) or str(BY_KEY[key].label)
        return _("%(column)s: %(message)s") % {"column": title, "message": text}


def _match_existing(actor: Actor | None, rows: list[RowResult], header: Header) -> None:
    """Rows whose ID number is already registered become updates, or are refused when the
    record is not the actor's to change (saying no more than the actor may see)."""
    by_index: dict[str, RowResult] = {}
    for row in rows:
        if row.action != REFUSED:
            row.index = id_index(row.values["id_number"])
            by_index[row.index] = row
    if not by_index:
        return
    indexes = list(by_index)
    for start in range(0, len(indexes), LOOKUP_CHUNK):
        chunk = indexes[start : start + LOOKUP_CHUNK]
        for existing in Volunteer.objects.filter(id_number_index__in=chunk).select_related(
            "home_org"
        ):
            row = by_index[existing.id_number_index or ""]
            if not may_change_volunteer(actor, existing):
                row.action = REFUSED
                title = header.titles["id_number"]
                row.errors.append(
                    _("%(column)s: %(message)s")
                    % {"column": title, "message": duplicate_message(actor, existing)}
                )
                continue
            row.action = UPDATE
            row.existing = existing
            row.values["update"] = _differences(row, existing, header)
            row.changes = [
                header.titles["organization" if key == "home_org" else key]
                for key in row.values["update"]
            ]


def _differences(row: RowResult, volunteer: Volunteer, header: Header) -> dict[str, Any]:
    """The keyword arguments for `volunteer_update`: what the file fills in and differs."""
    values = row.values
    changed: dict[str, Any] = {}
    if values["name"] != volunteer.name:
        changed["name"] = values["name"]
    if phone_index(values["phone"]) != volunteer.phone_index:
        changed["phone"] = values["phone"]
    emergency = values.get("emergency_phone")
    if emergency and (
        mask_phone(emergency) != volunteer.emergency_phone_masked
        or emergency != volunteer_reveal_value(volunteer, "emergency_phone")
    ):
        changed["emergency_phone"] = emergency
    region = values.get("residence_region")
    if region is not None and region.pk != volunteer.residence_region_id:
        changed["residence_region"] = region
    # The organization moves a volunteer only when the file names one for this row.
    if "organization" in header.columns and values["home_org"].pk != volunteer.home_org_id:
        changed["home_org"] = values["home_org"]
    for key, value in values["details"].items():
        if getattr(volunteer, key) != value:
            changed[key] = value
    return changed


def _write(
    actor: Actor | None,
    report: ImportReport,
    default_org: Organization | None,
    progress: Progress | None = None,
) -> None:
    if report.file_errors:
        return
    new_rows = [r for r in report.rows if r.action == NEW]
    updates = [r for r in report.rows if r.action == UPDATE and r.values["update"]]
    # Encrypt before the transaction: it then holds the write lock for the inserts alone.
    prepared = bulk.prepare_many(
        rows=[r.values for r in new_rows],
        indexes=[r.index for r in new_rows],
        progress=(lambda done, total: progress("prepare", done, total)) if progress else None,
    )
    if progress is not None:
        progress("write", 0, len(new_rows) + len(updates))
    with transaction.atomic():
        bulk.insert_prepared(actor=actor, prepared=prepared)
        for row in updates:
            assert row.existing is not None
            volunteer_update(actor=actor, volunteer=row.existing, **row.values["update"])
        orgs = {r.values["home_org"].pk: r.values["home_org"] for r in new_rows + updates}
        place = default_org or (next(iter(orgs.values())) if len(orgs) == 1 else None)
        audit_record(
            actor=actor,
            action="roster.import",
            region_id=place.region_id if place else _common_region(orgs.values()),
            organization_id=place.pk if place else None,
            object_repr=report.filename[:200],
            changes={
                "file": [None, report.filename],
                "sha256": [None, report.sha256],
                "new": [None, report.new],
                "updated": [None, report.updated],
                "refused": [None, report.refused],
                "unknown_address_codes": [
                    None,
                    sum(1 for r in new_rows if r.values.get("unknown_address")),
                ],
            },
        )
    report.committed = True


def _common_region(orgs: Iterable[Organization]) -> int | None:
    """The lowest region above every organization written to, so the entry shows up for the
    admins of that region and above."""
    chains = [[*o.region.ancestor_ids, o.region_id] for o in orgs]
    if not chains:
        return None
    common: int | None = None
    for ids in zip(*chains, strict=False):
        if len(set(ids)) != 1:
            break
        common = ids[0]
    return common if common is None or Region.objects.filter(pk=common).exists() else None
