"""Planning and staffing: campaigns, activities, outcome figures, shifts and sign-ups.

Who sees what (scoping, see ``vetserve.core.access``):

- An activity (and its shifts, outcomes, sign-ups) belongs to its organizing organization and
  its region. Region grants see the activities placed in their region subtree; organization
  leaders see the activities of their organization and its sub-organizations; both may change
  them (CHANGE scope), auditors only view.
- Volunteers (a volunteer grant on a team) see the *published* activities (published, under
  way, finished) of their team's county: a volunteer of a 崇礼 township team sees what is
  offered anywhere in 崇礼区, which is where they can reasonably travel to serve, and never a
  draft or a cancelled one. A team placed above county level (a city federation's own team)
  sees its own region's subtree. This is what they need to sign up and nothing more.
- A volunteer always sees their own sign-ups (``scope_self_field``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import (
    DATES,
    LATITUDES,
    LONGITUDES,
    MOMENTS,
    Bound,
    SafeDecimalField,
    text_constraint,
)

# Bounds of this app's numbers (core.bounds); the forms and the API read them here. The demo's
# campaign had 2,790 activities, 5,173 volunteers and 6,000,000 m² disinfected.
TARGET_ACTIVITIES = Bound(0, 100_000)
TARGET_VOLUNTEERS = Bound(0, 1_000_000)
TARGET_HOURS = Bound(0, 10_000_000)
QUANTITIES = Bound(Decimal(0), Decimal(1_000_000_000))  # one outcome figure or target
OUTCOME_ORDERING = Bound(0, 1000)
PEOPLE_PER_SHIFT = Bound(0, 10_000)  # minimum, wanted and maximum people on one shift
WAITLIST_POSITIONS = Bound(1, 1_000_000)
TEXT_MAX = 4000  # a description, the service content, a risk disclosure


class Category(models.TextChoices):
    SNOW_ICE = "snow_ice", _("Snow and ice clearing")
    FIRST_AID = "first_aid", _("First-aid cover")
    TRAFFIC = "traffic", _("Traffic guidance")
    CIVILITY = "civility", _("Civility promotion")
    CHECKPOINT = "checkpoint", _("Epidemic checkpoint")
    DISINFECTION = "disinfection", _("Disinfection")
    TRANSPORT = "transport", _("Material transport")
    ROAD_RESCUE = "road_rescue", _("Road rescue")
    BLOOD = "blood", _("Blood donation")
    PATROL = "patrol", _("Security patrol")
    POVERTY_AID = "poverty_aid", _("Poverty aid")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other service")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNDER_WAY = "under_way", _("Under way")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


# Which status may follow which; anything else is refused by ``activity_status_change``.
STATUS_FLOW: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED, Status.CANCELLED}),
    Status.PUBLISHED: frozenset({Status.UNDER_WAY, Status.CANCELLED, Status.DRAFT}),
    Status.UNDER_WAY: frozenset({Status.FINISHED, Status.CANCELLED}),
    Status.FINISHED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# The button that moves an activity to a status, as a verb ("发布活动", not "→ 已发布").
STATUS_VERBS = {
    Status.DRAFT: _("Back to draft"),
    Status.PUBLISHED: _("Publish the activity"),
    Status.UNDER_WAY: _("Mark as under way"),
    Status.FINISHED: _("Mark as finished"),
    Status.CANCELLED: _("Cancel the activity"),
}
# Statuses a volunteer outside the organizing body sees.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.UNDER_WAY, Status.FINISHED)


def _published_in_member_counties(scope: Any, prefix: str) -> models.Q:
    """Volunteers see published activities of their team's county (see module docstring)."""
    from vetserve.orgs.models import Organization
    from vetserve.regions.models import PREFIX_DIGITS

    org_ids: frozenset[int] = getattr(scope, "org_ids", frozenset())
    if not org_ids:
        return models.Q(pk__in=[])
    q = models.Q()
    for code, level in Organization.objects.filter(pk__in=sorted(org_ids)).values_list(
        "region__code", "region__level"
    ):
        keep = PREFIX_DIGITS["county"] if level in ("county", "township", "village") else None
        digits = keep if keep is not None else PREFIX_DIGITS[level]
        head = code.ljust(12, "0")[:digits]
        low, high = int(head.ljust(12, "0")), int(head.ljust(12, "9"))
        q |= models.Q(**{f"{prefix}region_id__gte": low, f"{prefix}region_id__lte": high})
    return q & models.Q(**{f"{prefix}status__in": PUBLIC_STATUSES})


class Campaign(models.Model):
    """A project run with targets (项目式管理、工程化推进), e.g. "相约冬奥—扛红旗、当先锋".

    A row means one organizing body's commitment over a period: how many activities, volunteers,
    service hours and outcome figures it aims at. Progress is computed, never stored
    (``selectors.campaign_progress``); hours come from attendance through a hook.
    """

    name = models.CharField(_("name"), max_length=120)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organizing organization"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    # The organization's region, copied so scope checks need no join.
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    starts_on = models.DateField(_("starts on"), validators=[DATES.validator()])
    ends_on = models.DateField(_("ends on"), validators=[DATES.validator()])
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=TEXT_MAX,
        validators=[MaxLengthValidator(TEXT_MAX)],
    )
    target_activities = models.PositiveIntegerField(
        _("target activities"), default=0, validators=[TARGET_ACTIVITIES.validator()]
    )
    target_volunteers = models.PositiveIntegerField(
        _("target volunteers"), default=0, validators=[TARGET_VOLUNTEERS.validator()]
    )
    target_hours = models.PositiveIntegerField(
        _("target service hours"), default=0, validators=[TARGET_HOURS.validator()]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "organization"
    # A campaign touches every unit under its organizer's region: a city-wide campaign is
    # opened by the county and township administrators (and auditors) of the city, who
    # carry it out in their area (issue 13). What they see of its figures is their part
    # (``selectors.campaign_progress``).
    scope_above_region_grants_visible = True

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_period_ordered",
            ),
            DATES.constraint("campaign", "starts_on"),
            DATES.constraint("campaign", "ends_on"),
            TARGET_ACTIVITIES.constraint("campaign", "target_activities"),
            TARGET_VOLUNTEERS.constraint("campaign", "target_volunteers"),
            TARGET_HOURS.constraint("campaign", "target_hours"),
            text_constraint("campaign", "description", TEXT_MAX),
        ]

    def __str__(self) -> str:
        return self.name


class OutcomeType(models.Model):
    """A kind of result figure with its unit: "snow cleared, m²", "vehicles checked, vehicles".

    ``categories`` lists the activity categories it is offered for (empty: all); the figures
    of one type add up across activities, campaigns, organizations and regions.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    unit = models.CharField(_("unit"), max_length=20)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    ordering = models.PositiveSmallIntegerField(
        default=0, validators=[OUTCOME_ORDERING.validator()]
    )

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("outcome type")
        verbose_name_plural = _("outcome types")
        constraints = [OUTCOME_ORDERING.constraint("outcometype", "ordering")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class CampaignTarget(models.Model):
    """A campaign's target for one outcome figure (e.g. 6,000,000 m² disinfected)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    outcome_type = models.ForeignKey(OutcomeType, on_delete=models.PROTECT, related_name="+")
    quantity = SafeDecimalField(
        _("target quantity"),
        max_digits=14,
        decimal_places=2,
        validators=[QUANTITIES.validator()],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "outcome_type"], name="campaign_target_unique"
            ),
            QUANTITIES.constraint("campaigntarget", "quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.outcome_type} {self.quantity}"


class ActivityQuerySet(ScopedQuerySet["Activity"]):
    pass


class Activity(models.Model):
    """One service activity (one of the 2,790): what, where, when, by whom, and its status.

    Risky activities carry a risk disclosure shown before sign-up (条例 Art 12) and may require
    accident insurance of everyone on post (条例 Art 17), which the eligibility check enforces.
    """

    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organizing organization"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200)
    lat = SafeDecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[LATITUDES.validator()],
    )
    lon = SafeDecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[LONGITUDES.validator()],
    )
    starts_at = models.DateTimeField(_("starts at"), validators=[MOMENTS.validator()])
    ends_at = models.DateTimeField(_("ends at"), validators=[MOMENTS.validator()])
    description = models.TextField(
        _("service content"),
        blank=True,
        max_length=TEXT_MAX,
        validators=[MaxLengthValidator(TEXT_MAX)],
    )
    risk_disclosure = models.TextField(
        _("risk disclosure"),
        blank=True,
        max_length=TEXT_MAX,
        validators=[MaxLengthValidator(TEXT_MAX)],
    )
    insurance_required = models.BooleanField(_("insurance required"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    contact_name = models.CharField(_("person in charge"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "organization"
    # A volunteer grant on a team does not open its drafts; see ``scope_extra_q``.
    scope_member_orgs_visible = False

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["region", "starts_at"]),
            models.Index(fields=["organization", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            # The activity list (issue 14): "ended" and "any time" walk starts_at backwards;
            # "upcoming" takes the few rows still ahead by ends_at, then sorts them.
            models.Index(fields=["starts_at", "id"], name="activity_starts_id"),
            models.Index(fields=["ends_at"], name="activity_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="activity_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]),
                name="activity_status_valid",
            ),
            LATITUDES.constraint("activity", "lat", null=True),
            LONGITUDES.constraint("activity", "lon", null=True),
            MOMENTS.constraint("activity", "starts_at"),
            MOMENTS.constraint("activity", "ends_at"),
            text_constraint("activity", "description", TEXT_MAX),
            text_constraint("activity", "risk_disclosure", TEXT_MAX),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_extra_q(cls, scope: object) -> models.Q:
        return _published_in_member_counties(scope, "")


class Staffing(models.TextChoices):
    EMPTY = "empty", _("Empty")
    SHORT = "short", _("Short")
    ADEQUATE = "adequate", _("Adequate")
    FULL = "full", _("Full")


class Shift(models.Model):
    """One post inside an activity for one time window: "高铁站 east entrance, 08:00–16:00".

    People needed as minimum / wanted / maximum; the staffing status (empty, short, adequate,
    full) is derived from the confirmed sign-ups. ``requirements`` is a JSON object with the
    fields of ``vetserve.skills.eligibility.Requirement`` (ids, not codes):
    ``{"skills": [[skill_id, min_level]], "qualification_groups": [[type_id, ...]],
    "min_age": 18, "max_age": 65, "health_within_days": 30, "insurance_required": false,
    "verified_only": true}``; ``services.shift_requirement`` builds the Requirement.
    ``series`` groups the shifts made in one recurring step.
    """

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="shifts"
    )
    post = models.CharField(_("post"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"), validators=[MOMENTS.validator()])
    ends_at = models.DateTimeField(_("ends at"), validators=[MOMENTS.validator()])
    min_people = models.PositiveIntegerField(
        _("minimum people"), default=1, validators=[PEOPLE_PER_SHIFT.validator()]
    )
    wanted_people = models.PositiveIntegerField(
        _("wanted people"), default=1, validators=[PEOPLE_PER_SHIFT.validator()]
    )
    max_people = models.PositiveIntegerField(
        _("maximum people"), default=1, validators=[PEOPLE_PER_SHIFT.validator()]
    )
    requirements = models.JSONField(_("requirements"), default=dict, blank=True)
    series = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "activity__region_id"
    scope_org_field = "activity__organization"
    scope_member_orgs_visible = False

    class Meta:
        ordering = ["starts_at", "post", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [
            models.Index(fields=["activity", "starts_at"]),
            # Shifts not ended yet (the home pages' upcoming and short-staffed counts, the
            # upcoming list): the planned weeks ahead, not every shift of past seasons (the
            # city's count read 93,000 past shifts at 10×, ~60 ms).
            models.Index(fields=["ends_at"], name="shift_ends_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="shift_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(min_people__lte=models.F("wanted_people"))
                & models.Q(wanted_people__lte=models.F("max_people"))
                & models.Q(max_people__gte=1),
                name="shift_people_ordered",
            ),
            MOMENTS.constraint("shift", "starts_at"),
            MOMENTS.constraint("shift", "ends_at"),
            PEOPLE_PER_SHIFT.constraint("shift", "min_people"),
            PEOPLE_PER_SHIFT.constraint("shift", "wanted_people"),
            PEOPLE_PER_SHIFT.constraint("shift", "max_people"),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.starts_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_extra_q(cls, scope: object) -> models.Q:
        return _published_in_member_counties(scope, "activity__")

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def staffing_for(self, confirmed: int) -> str:
        """empty, short (below minimum), adequate (minimum reached) or full (maximum)."""
        if confirmed <= 0:
            return Staffing.EMPTY
        if confirmed >= self.max_people:
            return Staffing.FULL
        if confirmed < self.min_people:
            return Staffing.SHORT
        return Staffing.ADEQUATE


class SignUpState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed by leader")


# States that hold (or wait for) a place; at most one such row per volunteer and shift.
LIVE_STATES = (SignUpState.CONFIRMED, SignUpState.WAITLISTED)


class SignUp(models.Model):
    """One volunteer on one shift: confirmed (holds a place) or waitlisted (waits, in
    ``waitlist_position`` order), or a past row (withdrawn / removed, kept as history).

    Nobody is forced (条例 Art 25): a volunteer signs up themself or a leader adds them, and
    either may withdraw. The confirmed count never exceeds ``Shift.max_people``; the services
    count under a row lock on the shift, since a constraint cannot count. ``override_reason``
    is set when a leader added someone the eligibility check refused (audited).
    """

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="signups"
    )
    state = models.CharField(_("state"), max_length=12, choices=SignUpState.choices)
    waitlist_position = models.PositiveIntegerField(
        null=True, blank=True, validators=[WAITLIST_POSITIONS.validator()]
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "shift__activity__region_id"
    scope_org_field = "shift__activity__organization"
    scope_member_orgs_visible = False
    scope_self_field = "volunteer__user_id"

    class Meta:
        ordering = ["shift_id", "state", "waitlist_position", "created_at", "id"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        indexes = [
            models.Index(fields=["shift", "state"]),
            models.Index(fields=["volunteer", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=models.Q(state__in=["confirmed", "waitlisted"]),
                name="signup_one_live_per_shift",
            ),
            models.CheckConstraint(
                condition=models.Q(state="waitlisted", waitlist_position__isnull=False)
                | (~models.Q(state="waitlisted") & models.Q(waitlist_position__isnull=True)),
                name="signup_waitlist_position_iff_waitlisted",
            ),
            WAITLIST_POSITIONS.constraint("signup", "waitlist_position", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.shift} ({self.state})"


class Outcome(models.Model):
    """One outcome figure recorded for an activity, or for one shift of it: "8,000 m² of snow
    cleared". Figures add up per activity, campaign, organization subtree and region range."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outcomes")
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.CASCADE, related_name="outcomes"
    )
    outcome_type = models.ForeignKey(
        OutcomeType, verbose_name=_("figure"), on_delete=models.PROTECT, related_name="outcomes"
    )
    quantity = SafeDecimalField(
        _("quantity"), max_digits=14, decimal_places=2, validators=[QUANTITIES.validator()]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "activity__region_id"
    scope_org_field = "activity__organization"
    scope_member_orgs_visible = False

    class Meta:
        ordering = ["-recorded_at", "id"]
        verbose_name = _("outcome figure")
        verbose_name_plural = _("outcome figures")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="outcome_nonnegative"),
            QUANTITIES.constraint("outcome", "quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome_type}: {self.quantity}"

    @classmethod
    def scope_extra_q(cls, scope: object) -> models.Q:
        return _published_in_member_counties(scope, "activity__")
