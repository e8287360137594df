"""Proofs of service (志愿服务证明): what a recording unit certified about a volunteer's hours.

A proof is issued by the unit that recorded the hours (谁记录谁证明, 办法 Art 14–17) and counts
only that unit's ledger entries, in the period or activities chosen. Its totals and its lines
per activity are frozen when it is issued, so the PDF downloaded later says what was certified
that day, whatever the ledger records afterwards. A proof is never edited: it can only be
revoked, with a reason, and the public check then says so.

Who sees what (``vetserve.core.access``): placed in the issuing unit's region and organization,
like a ledger entry; the volunteer sees their own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import DATES, MOMENTS, Bound
from vetserve.core.templatetags.figures import hours_from_minutes

# 16 characters of base32 (80 random bits): nobody finds a proof by counting.
NUMBER_LENGTH = 16
# A hundred years of round-the-clock service is more than anyone certifies.
PROOF_MINUTES = Bound(0, 100 * 366 * 24 * 60)
PROOF_ENTRIES = Bound(0, 1_000_000)
PROOF_YEARS = Bound(DATES.low.year, DATES.high.year)
# Lines per activity printed on the proof (what fits one A4 page beside the rest); the other
# activities are summed into one more line.
LINES_MAX = 10
REASON_MAX = 300
CONTENT_MAX = 300


class Scope(models.TextChoices):
    ALL = "all", _("All service")
    YEAR = "year", _("One year")
    RANGE = "range", _("A date range")
    ACTIVITIES = "activities", _("Selected activities")


class Proof(models.Model):
    """One numbered proof of service, as issued (and perhaps later revoked).

    ``number`` is random (base32, 16 characters) and appears on the PDF; the QR code carries a
    signed token of it. ``minutes`` (all entries of the chosen scope, corrections included),
    ``confirmed_minutes`` (of those, confirmed by the unit), ``entries`` (the records counted)
    and ``lines`` ([activity, minutes, records] per activity, at most ``LINES_MAX``) are frozen
    at issue. ``unit_name`` and ``person_in_charge`` are the issuing unit's at issue.
    """

    number = models.CharField(_("proof number"), max_length=NUMBER_LENGTH, unique=True)
    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="proofs"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    # The volunteer's number in the corps (their valid badge's) at issue; never the ID number.
    badge_number = models.CharField(_("volunteer number"), max_length=40, blank=True)
    unit_name = models.CharField(_("recording unit"), max_length=100)
    person_in_charge = models.CharField(_("person in charge"), max_length=50, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[PROOF_YEARS.validator()]
    )
    date_from = models.DateField(_("from"), null=True, blank=True, validators=[DATES.validator()])
    date_to = models.DateField(_("to"), null=True, blank=True, validators=[DATES.validator()])
    activities = models.ManyToManyField("activities.Activity", blank=True, related_name="+")
    minutes = models.PositiveIntegerField(
        _("service minutes"), validators=[PROOF_MINUTES.validator()]
    )
    confirmed_minutes = models.PositiveIntegerField(validators=[PROOF_MINUTES.validator()])
    entries = models.PositiveIntegerField(validators=[PROOF_ENTRIES.validator()])
    lines = models.JSONField(default=list)
    content = models.CharField(_("service content"), max_length=CONTENT_MAX, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by_name = models.CharField(_("issued by"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("issued at"), validators=[MOMENTS.validator()])
    revoked_at = models.DateTimeField(
        _("revoked at"), null=True, blank=True, validators=[MOMENTS.validator()]
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "organization"
    scope_member_orgs_visible = False
    scope_self_field = "volunteer__user_id"

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("proof of service")
        verbose_name_plural = _("proofs of service")
        indexes = [
            models.Index(fields=["issued_at", "id"], name="proof_issued"),
            models.Index(fields=["volunteer", "issued_at"], name="proof_volunteer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=[s.value for s in Scope]), name="proof_scope_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(scope="year") | models.Q(year__isnull=False),
                name="proof_year_scope_has_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(scope="range")
                | models.Q(
                    date_from__isnull=False,
                    date_to__isnull=False,
                    date_from__lte=models.F("date_to"),
                ),
                name="proof_range_scope_has_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoke_reason="")
                | models.Q(revoked_at__isnull=False) & ~models.Q(revoke_reason=""),
                name="proof_revoked_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_minutes__lte=models.F("minutes")),
                name="proof_confirmed_within_total",
            ),
            PROOF_MINUTES.constraint("proof", "minutes"),
            PROOF_MINUTES.constraint("proof", "confirmed_minutes"),
            PROOF_ENTRIES.constraint("proof", "entries"),
            PROOF_YEARS.constraint("proof", "year", null=True),
            DATES.constraint("proof", "date_from", null=True),
            DATES.constraint("proof", "date_to", null=True),
            MOMENTS.constraint("proof", "issued_at"),
            MOMENTS.constraint("proof", "revoked_at", null=True),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def hours(self) -> str:
        """To a tenth, rounded half up, as every page shows hours (``figures``)."""
        return hours_from_minutes(self.minutes)

    @property
    def confirmed_hours(self) -> str:
        return hours_from_minutes(self.confirmed_minutes)
