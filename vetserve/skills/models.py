"""Skills, qualifications and training: who is able and allowed to do what, and until when.

Catalogue rows (skills, qualification types, specialty mappings) are city-wide and edited by
city administrators. Rows about a volunteer are visible exactly when the volunteer is: their
querysets delegate to ``Volunteer.objects.visible_to`` (as badges do), so the rules cannot
drift apart. Courses and sessions belong to their organizer's scope.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import DATES, Bound, SafeDecimalField, text_constraint

# Bounds of this app's numbers (core.bounds); the forms, imports and API read them here.
SKILL_LEVELS = Bound(1, 3)  # 1 basic, 2 practised, 3 expert
# A certificate's or a course's validity: a day to fifty years (empty: does not expire).
VALIDITY_DAYS = Bound(1, 50 * 365)
# A course's study hours (办法 Art 8): a tenth of an hour to a thousand.
STUDY_HOURS = Bound(Decimal("0.1"), Decimal(1000))
SESSION_CAPACITY = Bound(1, 1000)  # places in one training session
SCORES = Bound(Decimal(0), Decimal(100))  # a course's result on the usual 100-point scale
REMINDER_DAYS = Bound(0, 365)  # a reminder goes out at most a year before expiry
COURSE_CONTENT_MAX = 4000

SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
# The first bytes of each accepted kind: the extension alone proves nothing.
SCAN_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def validate_scan(file: Any) -> None:
    """A certificate scan: PDF, JPEG or PNG by content, at most 5 MB."""
    if file.size > SCAN_MAX_BYTES:
        raise ValidationError(_("The scan may be at most 5 MB."), code="too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if not any(head.startswith(sig) for sig in SCAN_SIGNATURES):
        raise ValidationError(_("The scan must be a PDF, JPG or PNG file."), code="bad_type")


class Category(models.TextChoices):
    RESCUE = "rescue", _("Emergency rescue")
    MEDICAL = "medical", _("First aid and medical care")
    DRIVING = "driving", _("Driving")
    ORDER = "order", _("Traffic and order")
    SERVICE = "service", _("General service")
    SUPPORT = "support", _("Support and care")
    COMMUNICATION = "communication", _("Communications")
    LANGUAGE = "language", _("Languages")


class Skill(models.Model):
    """One ability a task may ask for (急救, 驾驶（C1）, 清雪除冰 …), from the city's catalogue."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class MilitarySpecialtyMapping(models.Model):
    """A military specialty (卫生员, 驾驶员 …) bringing a skill at a level: a volunteer whose
    recorded specialty contains ``specialty`` is credited with ``skill`` (source "derived")."""

    specialty = models.CharField(_("military specialty"), max_length=50)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="specialty_mappings")
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, validators=[SKILL_LEVELS.validator()]
    )

    class Meta:
        ordering = ["specialty", "skill"]
        verbose_name = _("military specialty mapping")
        verbose_name_plural = _("military specialty mappings")
        constraints = [
            models.UniqueConstraint(fields=["specialty", "skill"], name="specialty_skill_once"),
            SKILL_LEVELS.constraint("specialtymapping", "level"),
        ]

    def __str__(self) -> str:
        return f"{self.specialty} → {self.skill}"


def validity_text(days: int | None) -> str:
    """A validity as people state it: "10 年", "6 个月", else in days ("45 天"). Certificates
    run whole years (3652 days is ten years with leap days), so a day or two either way still
    reads as years."""
    from django.utils.translation import gettext, ngettext

    if not days:
        return gettext("no expiry")
    years = round(days / 365.25)
    if years >= 1 and abs(days - years * 365.25) <= 2:
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    months = round(days / 30.44)
    if months >= 1 and abs(days - months * 30.44) <= 2:
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


class QualificationType(models.Model):
    """A kind of certificate or cover (救护员证, C1 驾驶证, 意外保险 …) with its issuing body and
    default validity. ``includes`` lists the types a holder of this one also satisfies (急救员
    (高级) includes 救护员; B1 includes C1); the eligibility check follows it transitively."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    issuing_body = models.CharField(_("issuing body"), max_length=100, blank=True)
    validity_days = models.PositiveIntegerField(
        _("validity in days"),
        null=True,
        blank=True,
        help_text=_("Empty: does not expire."),
        validators=[VALIDITY_DAYS.validator()],
    )
    includes = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="included_in",
        verbose_name=_("includes"),
    )
    # Accident insurance for risky activities (志愿服务条例 Art 17).
    is_insurance = models.BooleanField(_("is insurance"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")
        constraints = [VALIDITY_DAYS.constraint("qualificationtype", "validity_days", null=True)]

    def __str__(self) -> str:
        return self.name

    @property
    def validity_text(self) -> str:
        return validity_text(self.validity_days)


class Source(models.TextChoices):
    SELF = "self", _("Self-declared")
    CONFIRMED = "confirmed", _("Confirmed")
    SPECIALTY = "specialty", _("Derived from military specialty")


class VolunteerSkill(models.Model):
    """A volunteer's skill at a level (1 basic, 2 practised, 3 expert), with where it comes
    from: the volunteer's word, an organization's confirmation, or their military specialty."""

    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, validators=[SKILL_LEVELS.validator()]
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Placed through the volunteer: exactly the rows of the volunteers one may reach.
    scope_via = "volunteer"

    class Meta:
        ordering = ["skill__category", "skill__code"]
        verbose_name = _("volunteer skill")
        verbose_name_plural = _("volunteer skills")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "skill"], name="volunteer_skill_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="volunteer_skill_level_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.skill} L{self.level}"


class Qualification(models.Model):
    """One certificate or cover a volunteer holds, as on the paper: number, issuer, dates and a
    scan. It counts where verification is asked only once someone compared it with the original
    (``verified_by``/``verified_at``); it stops counting the day after ``expires_on`` (Asia/
    Shanghai; empty: no expiry) or when revoked. Revoked rows stay, for the record."""

    class Origin(models.TextChoices):
        ENTERED = "entered", _("Entered")
        TRAINING = "training", _("Passed a course")
        IMPORTED = "imported", _("Imported")

    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.CASCADE, related_name="qualifications"
    )
    type = models.ForeignKey(QualificationType, on_delete=models.PROTECT, related_name="held")
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(
        _("issued on"), null=True, blank=True, validators=[DATES.validator()]
    )
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, validators=[DATES.validator()]
    )
    scan = models.FileField(
        _("scan"),
        upload_to="qualifications/%Y/",
        blank=True,
        validators=[FileExtensionValidator(list(SCAN_EXTENSIONS)), validate_scan],
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ENTERED)
    enrolment = models.ForeignKey(
        "skills.Enrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qualifications",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Placed through the volunteer: exactly the rows of the volunteers one may reach.
    scope_via = "volunteer"

    class Meta:
        ordering = ["expires_on", "id"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        indexes = [
            models.Index(fields=["expires_on"], name="qualification_expiry"),
            models.Index(fields=["volunteer", "type"], name="qualification_holder_type"),
        ]
        constraints = [
            DATES.constraint("qualification", "issued_on", null=True),
            DATES.constraint("qualification", "expires_on", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.number}".strip()

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Course(models.Model):
    """A training course as the record rule names it (办法 Art 8): name, content, study hours and
    the organizing unit. Passing it may grant a qualification for ``grants_validity_days``
    (empty: the type's own validity)."""

    name = models.CharField(_("name"), max_length=100)
    content = models.TextField(
        _("content"),
        blank=True,
        max_length=COURSE_CONTENT_MAX,
        validators=[MaxLengthValidator(COURSE_CONTENT_MAX)],
    )
    study_hours = SafeDecimalField(
        _("study hours"), max_digits=6, decimal_places=1, validators=[STUDY_HOURS.validator()]
    )
    organizer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    grants_type = models.ForeignKey(
        QualificationType,
        verbose_name=_("grants qualification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="granting_courses",
    )
    grants_validity_days = models.PositiveIntegerField(
        _("granted validity in days"),
        null=True,
        blank=True,
        validators=[VALIDITY_DAYS.validator()],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "organizer__region_id"
    scope_org_field = "organizer"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            STUDY_HOURS.constraint("course", "study_hours"),
            VALIDITY_DAYS.constraint("course", "grants_validity_days", null=True),
            text_constraint("course", "content", COURSE_CONTENT_MAX),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    """One run of a course on a day, at a place, with a trainer and a capacity."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField(_("date"), validators=[DATES.validator()])
    place = models.CharField(_("place"), max_length=100)
    trainer = models.CharField(_("trainer"), max_length=50, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[SESSION_CAPACITY.validator()])
    results_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "course__organizer__region_id"
    scope_org_field = "course__organizer"

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            DATES.constraint("trainingsession", "date"),
            SESSION_CAPACITY.constraint("trainingsession", "capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.date:%Y-%m-%d}"


class Enrolment(models.Model):
    """A volunteer's place in a session and, afterwards, whether they attended and passed.
    Attended enrolments are the volunteer's training record (办法 Art 8); their study hours
    are training hours, kept apart from service hours."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="enrolments"
    )
    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.CASCADE, related_name="enrolments"
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    score = SafeDecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[SCORES.validator()],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Placed through the volunteer: exactly the rows of the volunteers one may reach.
    scope_via = "volunteer"

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="enrolment_once"),
            SCORES.constraint("enrolment", "score", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.session}"


class SentReminder(models.Model):
    """That the reminder for one qualification at one threshold (60, 30 or 7 days) went out;
    the unique constraint keeps a rerun of the daily task from sending it twice."""

    qualification = models.ForeignKey(
        Qualification, on_delete=models.CASCADE, related_name="reminders"
    )
    threshold_days = models.PositiveSmallIntegerField(validators=[REMINDER_DAYS.validator()])
    # The expiry date reminded about: a renewed certificate (new date) is reminded afresh.
    expires_on = models.DateField(validators=[DATES.validator()])
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "threshold_days", "expires_on"], name="reminder_once"
            ),
            REMINDER_DAYS.constraint("sentreminder", "threshold_days"),
            DATES.constraint("sentreminder", "expires_on"),
        ]

    def __str__(self) -> str:
        return f"{self.qualification_id} -{self.threshold_days}d"
