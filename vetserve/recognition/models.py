"""Recognition and evaluation: stars by confirmed hours, awards, evaluations, team honours.

Stars are not stored as a guess: a volunteer's star follows from the confirmed minutes of the
ledger (``ledger.LedgerEntry.confirmed_minutes`` on confirmations) and the thresholds of the
federation the volunteer belongs to (``StarSettings``, defaults 100/300/600/1,000/1,500 h); the
date each star was reached follows from the running total of the confirmed entries
(``recognition.stars``). Where a federation requires a grant, a ``StarGrant`` records who
granted a reached star and when.

Who sees what (``vetserve.core.access``): awards, evaluations and star grants are seen exactly
when their volunteer is (``scope_via``); a team honour is placed in the team's region and
organization; a federation's settings in the federation's.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import DATES, MOMENTS, Bound, text_constraint

# Stars one to five (the common practice; DOMAIN.md).
STAR_LEVELS = Bound(1, 5)
# A threshold in whole hours: 100,000 h is 45 years of full-time service.
STAR_HOURS = Bound(1, 100_000)
DEFAULT_THRESHOLDS = (100, 300, 600, 1000, 1500)
# A rating on a scale of one to five (办法 Art 10 leaves the scale to the unit).
RATINGS = Bound(1, 5)
NAME_MAX = 100
UNIT_MAX = 100
COMMENT_MAX = 1000
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
# The first bytes of a PDF, a JPEG and a PNG: the extension alone proves nothing.
DOCUMENT_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def validate_document(file: Any) -> None:
    """An award's document: a PDF, JPEG or PNG by content, at most 10 MB."""
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("The document may be at most 10 MB."), code="too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if not any(head.startswith(sig) for sig in DOCUMENT_SIGNATURES):
        raise ValidationError(_("The document must be a PDF, JPG or PNG file."), code="bad_type")


class StarSettings(models.Model):
    """A city or province federation's rules for stars: the hours each star needs and whether
    a reached star counts at once (automatic) or only once an administrator granted it.

    The settings of the volunteer's city federation apply, else its province's, else the
    defaults (``recognition.stars.settings_for``)."""

    federation = models.OneToOneField(
        "orgs.Organization",
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="star_settings",
    )
    # The federation's region (a city or a province), copied: the lookup by a volunteer's
    # region is one indexed query.
    region = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    star1_hours = models.PositiveIntegerField(
        _("1 star (hours)"), validators=[STAR_HOURS.validator()]
    )
    star2_hours = models.PositiveIntegerField(
        _("2 stars (hours)"), validators=[STAR_HOURS.validator()]
    )
    star3_hours = models.PositiveIntegerField(
        _("3 stars (hours)"), validators=[STAR_HOURS.validator()]
    )
    star4_hours = models.PositiveIntegerField(
        _("4 stars (hours)"), validators=[STAR_HOURS.validator()]
    )
    star5_hours = models.PositiveIntegerField(
        _("5 stars (hours)"), validators=[STAR_HOURS.validator()]
    )
    grant_required = models.BooleanField(_("stars are granted by an administrator"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), validators=[MOMENTS.validator()])

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "federation"
    scope_member_orgs_visible = False
    # A county's administrators read the rules of their city and province (not change them).
    scope_above_region_grants_visible = True

    class Meta:
        verbose_name = _("star settings")
        verbose_name_plural = _("star settings")
        constraints = [
            *(STAR_HOURS.constraint("starsettings", f"star{n}_hours") for n in range(1, 6)),
            # Each star needs more hours than the one below it.
            models.CheckConstraint(
                condition=models.Q(star1_hours__lt=models.F("star2_hours"))
                & models.Q(star2_hours__lt=models.F("star3_hours"))
                & models.Q(star3_hours__lt=models.F("star4_hours"))
                & models.Q(star4_hours__lt=models.F("star5_hours")),
                name="starsettings_increasing",
            ),
            MOMENTS.constraint("starsettings", "updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.federation_id}: {self.thresholds}"

    @property
    def thresholds(self) -> tuple[int, int, int, int, int]:
        return (
            self.star1_hours,
            self.star2_hours,
            self.star3_hours,
            self.star4_hours,
            self.star5_hours,
        )


class StarGrant(models.Model):
    """An administrator's grant of a star the volunteer reached, where the federation
    requires one: the level, the date the running total reached it (as computed at the grant)
    and who granted it, when. Without a grant such a star shows as "reached, awaiting grant"."""

    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="star_grants"
    )
    level = models.PositiveSmallIntegerField(_("stars"), validators=[STAR_LEVELS.validator()])
    reached_on = models.DateField(_("reached on"), validators=[DATES.validator()])
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_by_name = models.CharField(_("granted by"), max_length=150, blank=True)
    granted_at = models.DateTimeField(_("granted at"), validators=[MOMENTS.validator()])

    objects = ScopedQuerySet.as_manager()
    scope_via = "volunteer"

    class Meta:
        ordering = ["volunteer_id", "level"]
        verbose_name = _("star grant")
        verbose_name_plural = _("star grants")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "level"], name="stargrant_once"),
            STAR_LEVELS.constraint("stargrant", "level"),
            DATES.constraint("stargrant", "reached_on"),
            MOMENTS.constraint("stargrant", "granted_at"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.level}★"


class HonourKind(models.TextChoices):
    AWARD = "award", _("Award")
    COMMENDATION = "commendation", _("Commendation")
    FLAG = "flag", _("Flag presented")


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    UNIT = "unit", _("Unit")


class Honour(models.Model):
    """Fields an award, a commendation and a presented flag share (办法 Art 9: name, date,
    granting unit), with the level and the document (a scan, stored as a private file and
    served only through the honour's own page)."""

    kind = models.CharField(_("kind"), max_length=12, choices=HonourKind.choices)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    awarded_on = models.DateField(_("date"), validators=[DATES.validator()])
    granting_unit = models.CharField(_("granting unit"), max_length=UNIT_MAX)
    level = models.CharField(_("level"), max_length=10, choices=HonourLevel.choices)
    document = models.FileField(
        _("document"), upload_to="honours/%Y/", blank=True, validators=[validate_document]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), validators=[MOMENTS.validator()])

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.awarded_on} {self.name}"


class Award(Honour):
    """An award or commendation on a volunteer's record (办法 Art 9)."""

    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="awards"
    )

    objects = ScopedQuerySet.as_manager()
    scope_via = "volunteer"

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        indexes = [models.Index(fields=["volunteer", "awarded_on"], name="award_volunteer")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["award", "commendation"]), name="award_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=HonourLevel.values), name="award_level"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="award_name"),
            DATES.constraint("award", "awarded_on"),
            MOMENTS.constraint("award", "recorded_at"),
        ]


class TeamHonour(Honour):
    """A flag presented to a team (授旗, as 8 teams received in the 扛红旗、当先锋 campaign) or an
    award or commendation of the team as a whole. Placed in the team's region and organization."""

    team = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="honours")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region_id"
    scope_org_field = "team"

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = _("team honour")
        verbose_name_plural = _("team honours")
        indexes = [
            models.Index(fields=["team", "awarded_on"], name="teamhonour_team"),
            models.Index(fields=["awarded_on", "id"], name="teamhonour_awarded"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=HonourKind.values), name="teamhonour_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=HonourLevel.values), name="teamhonour_level"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="teamhonour_name"),
            DATES.constraint("teamhonour", "awarded_on"),
            MOMENTS.constraint("teamhonour", "recorded_at"),
        ]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Evaluation(models.Model):
    """An evaluation of a volunteer's service (办法 Art 10): either a rating of one to five or a
    grade (优秀/良好/合格/不合格), a comment, the date and who evaluated."""

    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="evaluations"
    )
    evaluated_on = models.DateField(_("evaluation date"), validators=[DATES.validator()])
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[RATINGS.validator()]
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluator_name = models.CharField(_("evaluator"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), validators=[MOMENTS.validator()])

    objects = ScopedQuerySet.as_manager()
    scope_via = "volunteer"

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [models.Index(fields=["volunteer", "evaluated_on"], name="evaluation_volunteer")]
        constraints = [
            # A rating or a grade, exactly one.
            models.CheckConstraint(
                condition=models.Q(rating__isnull=False, grade="")
                | models.Q(rating__isnull=True, grade__in=Grade.values),
                name="evaluation_rating_or_grade",
            ),
            RATINGS.constraint("evaluation", "rating", null=True),
            DATES.constraint("evaluation", "evaluated_on"),
            MOMENTS.constraint("evaluation", "recorded_at"),
            text_constraint("evaluation", "comment", COMMENT_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.evaluated_on} {self.rating or self.grade}"

    @property
    def result(self) -> str:
        """The rating as stars or the grade, as pages show it."""
        if self.rating is not None:
            return "★" * self.rating
        return str(Grade(self.grade).label) if self.grade else ""
