"""The service-hours ledger: append-only entries, chained by hash within each organization.

Who sees what (``vetserve.core.access``): an entry is placed in the organizing unit's region and
organization, copied when it is recorded, like a stay. Administrators of the region and leaders
of the organizing unit see the entries; a volunteer sees their own.

Nothing here is ever edited or deleted: the database refuses UPDATE and DELETE on these rows
(triggers, migration 0002; docs/decisions/0007-append-only-ledger.md). A correction or a
confirmation is a new row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import DATES, MOMENTS, Bound, text_constraint

# Service minutes of one entry. A record covers one activity day (办法 Art 7); a stay may run
# to a year (attendance.STAY_MINUTES), so the same bound; a correction may take back as much.
ENTRY_MINUTES = Bound(-366 * 24 * 60, 366 * 24 * 60)
# By hand, a leader records at most one day per entry.
HAND_MINUTES = Bound(1, 24 * 60)
# A chain's sequence numbers; the years of service dates (core.bounds.DATES).
SEQUENCE = Bound(1, 1_000_000_000)
YEARS = Bound(DATES.low.year, DATES.high.year)
CONTENT_MAX = 2000
REASON_MAX = 300


class Source(models.TextChoices):
    ATTENDANCE = "attendance", _("Attendance")
    LEADER = "leader", _("Leader entry")
    BACK_ENTRY = "back_entry", _("Back-entry")
    CORRECTION = "correction", _("Correction")
    TRANSFER_IN = "transfer_in", _("Transfer-in")
    CONFIRMATION = "confirmation", _("Confirmation")


# Sources that carry service time of their own (the others refer to an earlier entry).
RECORD_SOURCES = (Source.ATTENDANCE, Source.LEADER, Source.BACK_ENTRY, Source.TRANSFER_IN)


class LedgerEntry(models.Model):
    """One line of a volunteer's service record, as the organizing unit recorded it.

    A record (``source`` attendance, leader entry, back-entry, transfer-in) holds the fields of
    办法 Art 7 copied at recording time — activity name, date, place, service content, organizing
    unit, person in charge — and the service minutes (actual time served, travel excluded). A
    correction refers to the record it adjusts (``refers_to``), carries the difference in minutes
    (negative to take time back) and a reason. A confirmation by the organizing unit refers to
    the record or correction it confirms and carries no minutes; an entry is "confirmed" when
    such a row exists (one at most). So the balance is the sum of ``minutes``, and no row
    ever changes.

    ``seq``, ``prev_hash`` and ``hash`` chain the entries of one organization: ``hash`` is the
    SHA-256 of the entry's canonical content and the previous entry's hash (``ledger.chain``).
    """

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    seq = models.PositiveIntegerField(editable=False, validators=[SEQUENCE.validator()])
    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attendance = models.ForeignKey(
        "attendance.Attendance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refers_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followers"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # The record of 办法 Art 7, copied when recorded: later edits of the activity change nothing.
    activity_name = models.CharField(_("activity"), max_length=120)
    service_date = models.DateField(_("date"), validators=[DATES.validator()])
    # The service date's year, kept so balances per year group on a column (bench/ledger.py).
    service_year = models.PositiveSmallIntegerField(editable=False, validators=[YEARS.validator()])
    place = models.CharField(_("place"), max_length=200, blank=True)
    content = models.TextField(_("service content"), max_length=CONTENT_MAX, blank=True)
    organizing_unit = models.CharField(_("organizing unit"), max_length=100)
    person_in_charge = models.CharField(_("person in charge"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=20, blank=True)
    minutes = models.IntegerField(_("service minutes"), validators=[ENTRY_MINUTES.validator()])
    # On a confirmation: the minutes of the entry it confirms, copied (that entry never
    # changes), so the confirmed balance is a plain sum with no join.
    confirmed_minutes = models.IntegerField(default=0, validators=[ENTRY_MINUTES.validator()])
    reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)
    # Who recorded it: kept as an id (no foreign-key constraint, so removing an account never
    # needs to touch the ledger) and as the name at the time.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), validators=[MOMENTS.validator()])
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "organization"
    scope_member_orgs_visible = False
    scope_self_field = "volunteer__user_id"

    class Meta:
        ordering = ["organization_id", "seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["volunteer", "service_date"], name="ledger_volunteer_date"),
            # A balance of one's own entries reads only this index (covering: no table row).
            models.Index(
                fields=[
                    "volunteer",
                    "service_year",
                    "category",
                    "organization",
                    "minutes",
                    "confirmed_minutes",
                ],
                name="ledger_balance",
            ),
            models.Index(fields=["recorded_at", "id"], name="ledger_recorded"),
            # /ledger/me/ and a volunteer's ledger: their entries newest first, a page at a
            # time. Without it PostgreSQL walks ledger_recorded past everyone's newer entries
            # (58 ms for 2,000 entries behind 60,000 of others; 0.2 ms with it, EXPLAIN
            # ANALYZE, issue 15).
            models.Index(
                fields=["volunteer", "recorded_at", "id"], name="ledger_volunteer_recorded"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "seq"], name="ledger_chain_seq"),
            # The same stay never becomes two entries, however often or concurrently the task
            # runs.
            models.UniqueConstraint(
                fields=["attendance"],
                condition=models.Q(source="attendance"),
                name="ledger_one_entry_per_attendance",
            ),
            # One confirmation per entry.
            models.UniqueConstraint(
                fields=["refers_to"],
                condition=models.Q(source="confirmation"),
                name="ledger_one_confirmation",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=[s.value for s in Source]),
                name="ledger_source_valid",
            ),
            ENTRY_MINUTES.constraint("ledgerentry", "minutes"),
            ENTRY_MINUTES.constraint("ledgerentry", "confirmed_minutes"),
            models.CheckConstraint(
                condition=models.Q(source="confirmation") | models.Q(confirmed_minutes=0),
                name="ledger_confirmed_minutes_on_confirmations",
            ),
            # Records carry time served; confirmations none; corrections any difference.
            models.CheckConstraint(
                condition=models.Q(source="correction")
                | models.Q(source="confirmation", minutes=0)
                | (
                    models.Q(source__in=[s.value for s in RECORD_SOURCES])
                    & models.Q(minutes__gte=0)
                ),
                name="ledger_minutes_by_source",
            ),
            # Corrections and confirmations refer to an entry, with a reason for corrections.
            models.CheckConstraint(
                condition=models.Q(source__in=[s.value for s in RECORD_SOURCES])
                | models.Q(refers_to__isnull=False),
                name="ledger_refers",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="correction") | ~models.Q(reason=""),
                name="ledger_correction_reason",
            ),
            DATES.constraint("ledgerentry", "service_date"),
            SEQUENCE.constraint("ledgerentry", "seq"),
            YEARS.constraint("ledgerentry", "service_year"),
            MOMENTS.constraint("ledgerentry", "recorded_at"),
            text_constraint("ledgerentry", "content", CONTENT_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}#{self.seq} {self.source} {self.minutes}"


# A working-day rule's note (the State Council notice it comes from).
RULE_NOTE_MAX = 200


class WorkdayRule(models.Model):
    """One day of the State Council's yearly notice on holidays, entered by staff for a year
    the ``chinese-calendar`` package does not know yet: a holiday on a weekday
    (``is_workday`` false) or a make-up workday on a weekend (true). A year with at least one
    rule counts as known; its other days follow the week. Where the package knows the year,
    a rule still overrides it (a late change of the notice)."""

    day = models.DateField(_("date"), unique=True, validators=[DATES.validator()])
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("source"), max_length=RULE_NOTE_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("working-day rule")
        verbose_name_plural = _("working-day rules")
        constraints = [
            DATES.constraint("workdayrule", "day"),
            text_constraint("workdayrule", "note", RULE_NOTE_MAX),
            models.CheckConstraint(condition=~models.Q(note=""), name="workdayrule_note"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {'workday' if self.is_workday else 'holiday'}"


EVIDENCE_MAX = 1000
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png")
# The first bytes of a JPEG and a PNG: the extension alone proves nothing.
PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def validate_claim_photo(file: Any) -> None:
    """A claim's photo: a JPEG or PNG by content, at most 5 MB."""
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo may be at most 5 MB."), code="too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if not any(head.startswith(sig) for sig in PHOTO_SIGNATURES):
        raise ValidationError(_("The photo must be a JPG or PNG image."), code="bad_type")


class ClaimState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class HoursClaim(models.Model):
    """A volunteer's claim of hours the unit missed (补录申请), with evidence, waiting for the
    organizing unit. Approval appends a back-entry recorded by the claimant and its
    confirmation by the approver (``ledger.services.hours_claim_decide``), so the approver is
    never the claimant (``core.access.may_confirm_hours`` reads ``recorded_by_id``). A claim
    is placed in the activity's region and organization, like the entries it becomes."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="hours_claims"
    )
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField(_("date"), validators=[DATES.validator()])
    minutes = models.IntegerField(_("service minutes"), validators=[HAND_MINUTES.validator()])
    evidence = models.TextField(_("evidence"), max_length=EVIDENCE_MAX)
    # Served only through the claim's own page to those who may see the claim (private media).
    photo = models.FileField(
        _("photo"),
        upload_to="claims/%Y/",
        blank=True,
        validators=[FileExtensionValidator(list(PHOTO_EXTENSIONS)), validate_claim_photo],
    )
    # The claimant's account: the "recorder" of what the claim becomes.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("claimed at"), validators=[MOMENTS.validator()])
    state = models.CharField(
        _("state"), max_length=10, choices=ClaimState.choices, default=ClaimState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True, validators=[MOMENTS.validator()])
    decision_note = models.CharField(_("note"), max_length=REASON_MAX, blank=True)
    entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="claim"
    )

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "organization"
    scope_member_orgs_visible = False
    scope_self_field = "volunteer__user_id"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hours claim")
        verbose_name_plural = _("hours claims")
        indexes = [models.Index(fields=["state", "created_at"], name="claim_state_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in ClaimState]), name="claim_state"
            ),
            HAND_MINUTES.constraint("hoursclaim", "minutes"),
            DATES.constraint("hoursclaim", "service_date"),
            MOMENTS.constraint("hoursclaim", "created_at"),
            MOMENTS.constraint("hoursclaim", "decided_at", null=True),
            text_constraint("hoursclaim", "evidence", EVIDENCE_MAX),
            models.CheckConstraint(condition=~models.Q(evidence=""), name="claim_evidence"),
            # Approved exactly when it became an entry.
            models.CheckConstraint(
                condition=models.Q(state="approved", entry__isnull=False)
                | (~models.Q(state="approved") & models.Q(entry__isnull=True)),
                name="claim_entry_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk} {self.state}"
