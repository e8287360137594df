"""Summary tables behind the dashboards (and the reports): the ledger's figures added up by
place, month and category as the entries arrive, so a city's year is read from a few thousand
summary rows instead of millions of entries.

Each row is kept current by ``stats.services.summaries_add_entries``, which the ledger calls in
the same transaction as every append (``ledger.services.AFTER_ENTRIES``); ``vetserve
stats-rebuild`` recomputes them from the ledger alone, and a test proves both give the same rows.
Rows are placed like the entries they add up (the organizing unit's region and organization).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import DATES, Bound

# Sums of service minutes in one summary row: at most a million volunteers each serving every
# minute of a month, either way (corrections take time back).
SUM_MINUTES = Bound(-(10**15), 10**15)
# Counts of entries or volunteers in one row.
COUNTS = Bound(0, 10**12)


class LedgerMonth(models.Model):
    """The ledger entries of one organizing unit (in its region) with service dates in one
    month and one category, added up: ``minutes`` is the sum of every entry's minutes
    (records and corrections; the service time), ``confirmed_minutes`` the sum of the
    confirmations' minutes, ``records`` the number of records (not corrections or
    confirmations). ``month`` is the month's first day."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(validators=[DATES.validator()])
    category = models.CharField(max_length=20, blank=True)
    minutes = models.BigIntegerField(default=0, validators=[SUM_MINUTES.validator()])
    confirmed_minutes = models.BigIntegerField(default=0, validators=[SUM_MINUTES.validator()])
    records = models.BigIntegerField(default=0, validators=[COUNTS.validator()])

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "organization"
    scope_member_orgs_visible = False

    class Meta:
        verbose_name = _("ledger month")
        verbose_name_plural = _("ledger months")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "organization", "month", "category"], name="ledgermonth_key"
            ),
            DATES.constraint("ledgermonth", "month"),
            SUM_MINUTES.constraint("ledgermonth", "minutes"),
            SUM_MINUTES.constraint("ledgermonth", "confirmed_minutes"),
            COUNTS.constraint("ledgermonth", "records"),
        ]
        indexes = [models.Index(fields=["month", "region"], name="ledgermonth_month_region")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.organization_id} {self.month:%Y-%m} {self.category}"


class Span(models.TextChoices):
    MONTH = "m", _("Month")
    YEAR = "y", _("Year")


class ActiveVolunteer(models.Model):
    """A volunteer who has a record in the ledger with a service date in ``month`` in the
    subtree of ``region``, a unit of the province, city, county or township level: one row per
    unit above each record's region, so each level counts distinct people (someone serving in
    two counties counts once in each, and once in the city). With ``span`` year, ``month`` is
    the year's first day and the row says the volunteer was active in that year (distinct
    people over a year are not a sum of months)."""

    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="+")
    span = models.CharField(max_length=1, choices=Span.choices, default=Span.MONTH)
    month = models.DateField(validators=[DATES.validator()])
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("active volunteer")
        verbose_name_plural = _("active volunteers")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "span", "month", "region"], name="activevolunteer_key"
            ),
            models.CheckConstraint(
                condition=models.Q(span__in=Span.values), name="activevolunteer_span_valid"
            ),
            DATES.constraint("activevolunteer", "month"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.month:%Y-%m}"


class ActiveMonth(models.Model):
    """How many volunteers were active (``ActiveVolunteer``) in one region in one month (or,
    with ``span`` year, in the year beginning on ``month``)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    span = models.CharField(max_length=1, choices=Span.choices, default=Span.MONTH)
    month = models.DateField(validators=[DATES.validator()])
    volunteers = models.BigIntegerField(default=0, validators=[COUNTS.validator()])

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"

    class Meta:
        verbose_name = _("active volunteers in a month")
        verbose_name_plural = _("active volunteers by month")
        constraints = [
            models.UniqueConstraint(fields=["region", "span", "month"], name="activemonth_key"),
            models.CheckConstraint(
                condition=models.Q(span__in=Span.values), name="activemonth_span_valid"
            ),
            DATES.constraint("activemonth", "month"),
            COUNTS.constraint("activemonth", "volunteers"),
        ]
        indexes = [
            models.Index(fields=["span", "month", "region"], name="activemonth_month_region")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}: {self.volunteers}"
