from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vetserve.core import crypto
from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import DATES, SERVICE_YEARS, Bound, text_constraint

# Years of birth: the same span as every stored date (core.bounds.DATES).
BIRTH_YEARS = Bound(DATES.low.year, DATES.high.year)

# What a volunteer may write when asking for a correction (the form's limit, 办法 Art 13).
CORRECTION_MESSAGE_MAX = 2000

# The encryption context of the stored birth date (see `birth_date_columns`).
BIRTH_CONTEXT = "volunteer.birth_date"


def birth_date_columns(birth: date | None) -> dict[str, Any]:
    """The stored form of a birth date: the year in clear, the full date encrypted.

    The masked ID number shows every character but the eight birth-date digits, so a full
    birth date stored or shown beside it gives the number back (docs/decisions/0004). The
    year is all that lists, filters and statistics need; the exact date is decrypted where
    an exact age is asked (eligibility), for the person themself and for a logged reveal.
    """
    if birth is None:
        return {"birth_year": None, "birth_date_enc": ""}
    return {
        "birth_year": birth.year,
        "birth_date_enc": crypto.encrypt(birth.isoformat(), context=BIRTH_CONTEXT),
    }


def birth_date_of(stored: str) -> date | None:
    """The birth date from its stored, encrypted form (`birth_date_columns`)."""
    if not stored:
        return None
    return date.fromisoformat(crypto.decrypt(stored, context=BIRTH_CONTEXT))


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Status(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")


# Which status may follow which; anything else is refused.
STATUS_FLOW: dict[str, frozenset[str]] = {
    Status.APPLIED: frozenset({Status.ACTIVE, Status.LEFT}),
    Status.ACTIVE: frozenset({Status.SUSPENDED, Status.LEFT}),
    Status.SUSPENDED: frozenset({Status.ACTIVE, Status.LEFT}),
    Status.LEFT: frozenset({Status.ACTIVE}),
}


class Branch(models.TextChoices):
    ARMY = "army", _("Army")
    NAVY = "navy", _("Navy")
    AIR_FORCE = "air_force", _("Air Force")
    ROCKET_FORCE = "rocket_force", _("Rocket Force")
    SUPPORT = "support", _("Strategic / joint support forces")
    ARMED_POLICE = "armed_police", _("People's Armed Police")
    OTHER = "other", _("Other")


class Party(models.TextChoices):
    MEMBER = "member", _("CPC member")
    PROBATIONARY = "probationary", _("Probationary CPC member")
    LEAGUE = "league", _("Communist Youth League member")
    OTHER_PARTY = "other_party", _("Other party")
    NONE = "none", _("None")


class VolunteerQuerySet(ScopedQuerySet["Volunteer"]):
    def current(self) -> VolunteerQuerySet:
        return self.filter(erased_at__isnull=True)


class Volunteer(models.Model):
    """One veteran registered as a volunteer (登记造册), once: one person, one row.

    The registration fields are those of 《志愿服务记录与证明出具办法》 Art 5. ID and phone
    numbers are stored encrypted (``*_enc``), findable only through a keyed blind index
    (``*_index``) and shown masked (``*_masked``) unless someone with the reveal permission
    gives a reason. ``region`` is the home organization's region, copied here so scope checks
    on a 100,000-row roster need no join.
    """

    name = models.CharField(_("name"), max_length=50)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True, editable=False)
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    # The year in clear, the date encrypted: see `birth_date_columns` and the property below.
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, editable=False, validators=[BIRTH_YEARS.validator()]
    )
    birth_date_enc = models.TextField(blank=True, editable=False)

    id_number_enc = models.TextField(editable=False)
    id_number_index = models.CharField(max_length=64, null=True, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone_enc = models.TextField(editable=False, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True, editable=False)

    residence_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("residence area"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    home_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("home organization"),
        on_delete=models.PROTECT,
        related_name="home_volunteers",
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )

    skills_note = models.CharField(_("professional skills"), max_length=200, blank=True)
    service_categories = models.CharField(_("service categories"), max_length=200, blank=True)

    # Veteran details.
    service_branch = models.CharField(
        _("service branch"), max_length=20, choices=Branch.choices, blank=True
    )
    # Bounded by a CHECK: a year of 67556 stopped at the door, not stored (issue 12, item 4).
    enlisted_year = models.PositiveSmallIntegerField(
        _("year enlisted"), null=True, blank=True, validators=[SERVICE_YEARS.validator()]
    )
    discharged_year = models.PositiveSmallIntegerField(
        _("year discharged"), null=True, blank=True, validators=[SERVICE_YEARS.validator()]
    )
    military_specialty = models.CharField(_("military specialty"), max_length=50, blank=True)
    discharge_doc_enc = models.TextField(blank=True, editable=False)
    discharge_doc_masked = models.CharField(
        _("discharge document number"), max_length=40, blank=True, editable=False
    )
    party = models.CharField(
        _("political affiliation"), max_length=20, choices=Party.choices, blank=True
    )

    emergency_name = models.CharField(_("emergency contact"), max_length=50, blank=True)
    emergency_phone_enc = models.TextField(blank=True, editable=False)
    emergency_phone_masked = models.CharField(
        _("emergency contact phone"), max_length=16, blank=True, editable=False
    )
    # Health data is sensitive (PIPL Art 28): encrypted, and only with its own consent.
    health_enc = models.TextField(blank=True, editable=False)
    health_declared_on = models.DateField(
        _("health declared on"), null=True, blank=True, validators=[DATES.validator()]
    )
    photo = models.ImageField(_("photo"), upload_to="photos/%Y/", blank=True)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = VolunteerQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "home_org"
    # A volunteer grant on a team does not open the team's roster: personal data stays
    # with those who manage it. Team leaders see members through `scope_extra_q`.
    scope_member_orgs_visible = False
    scope_self_field = "user_id"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        permissions = [
            ("reveal_personal_data", "Can reveal full ID and phone numbers, giving a reason"),
        ]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["home_org", "status"]),
            models.Index(fields=["name", "birth_year"]),
            # The roster sorted by year of birth (issue 13), walked in order as by name.
            models.Index(fields=["birth_year", "id"], name="volunteer_birth_year_id"),
        ]
        constraints = [
            BIRTH_YEARS.constraint("volunteer", "birth_year", null=True),
            SERVICE_YEARS.constraint("volunteer", "enlisted_year", null=True),
            SERVICE_YEARS.constraint("volunteer", "discharged_year", null=True),
            DATES.constraint("volunteer", "health_declared_on", null=True),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_extra_q(cls, scope: object) -> models.Q:
        """Leaders also see the members of their teams who live elsewhere."""
        paths: tuple[str, ...] = getattr(scope, "org_paths", ())
        if not paths:
            return models.Q(pk__in=[])
        q = models.Q()
        for prefix in paths:
            q |= models.Q(organization__path__startswith=prefix)
        members = Membership.objects.filter(q, ended_on__isnull=True).values("volunteer_id")
        return models.Q(pk__in=members)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def birth_date(self) -> date | None:
        """The full birth date, decrypted (once per stored value). Not for lists beside a
        masked number: there only `birth_year` is shown (docs/decisions/0004)."""
        cached = self.__dict__.get("_birth_date_cache")
        if cached is None or cached[0] != self.birth_date_enc:
            cached = (self.birth_date_enc, birth_date_of(self.birth_date_enc))
            self.__dict__["_birth_date_cache"] = cached
        return cached[1]

    @birth_date.setter
    def birth_date(self, value: date | None) -> None:
        for column, stored in birth_date_columns(value).items():
            setattr(self, column, stored)
        self.__dict__["_birth_date_cache"] = (self.birth_date_enc, value)


class Membership(models.Model):
    """A volunteer serving in an organization other than (or as well as) the home one."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy leader")
        MEMBER = "member", _("Member")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    started_on = models.DateField(_("from"), validators=[DATES.validator()])
    ended_on = models.DateField(_("until"), null=True, blank=True, validators=[DATES.validator()])

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "organization"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_one_open_per_org",
            ),
            DATES.constraint("membership", "started_on"),
            DATES.constraint("membership", "ended_on", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.organization} ({self.get_role_display()})"


class StatusChange(models.Model):
    """One change of a volunteer's status, with who made it and why (append-only)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.volunteer}: {self.from_status} -> {self.to_status}"


class Consent(models.Model):
    """What a volunteer agreed to, when, and to which version of the text (PIPL Art 14, 29)."""

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration and service records")
        HEALTH = "health", _("Health data")
        PUBLICATION = "publication", _("Publication (honour rolls, public lists)")
        SHARING = "sharing", _("Sharing with other bodies")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    granted = models.BooleanField(_("granted"))
    at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.volunteer}: {self.purpose} {'yes' if self.granted else 'no'}"


class CorrectionRequest(models.Model):
    """A volunteer asking for their data to be corrected (办法 Art 13; PIPL Art 46)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Corrected")
        REJECTED = "rejected", _("Rejected")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="correction_requests"
    )
    message = models.TextField(
        _("what is wrong"),
        max_length=CORRECTION_MESSAGE_MAX,
        validators=[MaxLengthValidator(CORRECTION_MESSAGE_MAX)],
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(_("answer"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            text_constraint("correction", "message", CORRECTION_MESSAGE_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer}: {self.state}"


# A sheet's rows (`spreadsheets.limits.MAX_ROWS`): the most an import job counts through.
IMPORT_JOB_ROWS = Bound(0, 200_000)
IMPORT_JOB_ERROR_MAX = 500


class ImportJob(models.Model):
    """One roster file on its way in, run in the background (issue 14): uploaded, read and
    checked row by row (the preview), then, once its owner confirms, written in one
    transaction. The file itself waits sealed in the upload store (``token``); the row holds
    where the work stands, the preview to show, and the outcome. Only its owner sees it
    (`selectors.import_job_access`), superusers too."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Roster")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        INSPECTING = "inspecting", _("Reading the file")
        PREVIEWING = "previewing", _("Checking the rows")
        READY = "ready", _("Ready to save")
        COMMITTING = "committing", _("Saving")
        DONE = "done", _("Saved")
        FAILED = "failed", _("Failed")

    class Step(models.TextChoices):
        NONE = "", ""
        CHECK = "check", _("checking the rows again")
        PREPARE = "prepare", _("encrypting the new records")
        WRITE = "write", _("writing to the database")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ROSTER)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    step = models.CharField(max_length=20, choices=Step.choices, default="", blank=True)
    filename = models.CharField(max_length=200)
    # The sealed upload's token (`spreadsheets.uploads`); emptied once the file is discarded.
    token = models.CharField(max_length=64, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows_done = models.PositiveIntegerField(default=0, validators=[IMPORT_JOB_ROWS.validator()])
    rows_total = models.PositiveIntegerField(default=0, validators=[IMPORT_JOB_ROWS.validator()])
    # What the preview page shows (`spreadsheets.previews.preview_context`, as plain data),
    # then the counts written.
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=IMPORT_JOB_ERROR_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="import_job_owner_idx")]
        constraints = [
            IMPORT_JOB_ROWS.constraint("importjob", "rows_done"),
            IMPORT_JOB_ROWS.constraint("importjob", "rows_total"),
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")),
                name="importjob_rows_done_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state__in=[
                        "queued",
                        "inspecting",
                        "previewing",
                        "ready",
                        "committing",
                        "done",
                        "failed",
                    ]
                ),
                name="importjob_state_known",
            ),
            text_constraint("importjob", "filename", 200),
            text_constraint("importjob", "error", IMPORT_JOB_ERROR_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.filename}: {self.state}"

    @property
    def running(self) -> bool:
        return self.state in {
            self.State.QUEUED,
            self.State.INSPECTING,
            self.State.PREVIEWING,
            self.State.COMMITTING,
        }

    @property
    def waiting_long(self) -> bool:
        """Queued for over a minute: no task worker is running (docs/operations.md)."""
        return (
            self.state == self.State.QUEUED
            and (timezone.now() - self.created_at).total_seconds() > 60
        )

    @property
    def percent(self) -> int:
        return 100 * self.rows_done // self.rows_total if self.rows_total else 0


class ExportJobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class ExportJob(models.Model):
    """One roster export too large to write while the person waits (.xlsx of many rows,
    issue 14): written in the background, its progress shown, the file kept encrypted for
    the requester alone and removed after an hour (``people.export_jobs``).

    The row holds no personal data: the search, which may hold a number, is sealed with the
    data key like the file; who asked, why and how many rows are in the audit entry written
    when it was asked for."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ExportJobState.choices, default=ExportJobState.QUEUED
    )
    fmt = models.CharField(max_length=4, default="xlsx")
    # The filters and the full-numbers choice, as JSON sealed with the data key.
    params_sealed = models.BinaryField()
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roster export")
        verbose_name_plural = _("roster exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")),
                name="exportjob_rows_done_le_total",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in ExportJobState]),
                name="exportjob_state_known",
            ),
            models.CheckConstraint(
                condition=models.Q(fmt__in=["xlsx", "csv"]), name="exportjob_fmt_known"
            ),
            models.CheckConstraint(
                condition=models.Q(rows_total__lte=10_000_000), name="exportjob_rows_total_range"
            ),
        ]

    def __str__(self) -> str:
        return self.filename or str(self.pk)

    @property
    def percent(self) -> int:
        if self.state == ExportJobState.DONE:
            return 100
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0

    @property
    def finished(self) -> bool:
        return self.state in (ExportJobState.DONE, ExportJobState.FAILED, ExportJobState.EXPIRED)
