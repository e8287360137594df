"""Selection by criteria (择优选拔): "40 city volunteers, 15 for the transport hubs, 25 for the
hotels", chosen by stated rules that stand up to questions.

A ``Selection`` is defined (the pool, hard criteria, weighted criteria, posts with quotas), run
(every eligible person scored, the posts filled exactly, a reserve list kept), and decided by a
second person (approved or rejected with a reason). Running freezes everything the decision
rests on — the criteria and weights as run, each person's score broken down per criterion, the
post each was picked for — into the selection's ``snapshot`` and its ``SelectionCandidate``
rows, so later changes to hours, training or the roster never change a decided selection.

Who sees what (``vetserve.core.access``): placed in the selecting organization's region and the
organization itself, like its activities; a volunteer grant on that organization opens nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import MOMENTS, Bound

NAME_MAX = 100
NOTE_MAX = 300
REASON_MAX = 300
KEYWORD_MAX = 30
POST_NAME_MAX = 60
# Posts of one selection, and people per post and in all: a city picks tens, a province a few
# thousand; a run holds its shortlist on one page of rows.
POSTS_MAX = 10
POSITIONS = Bound(1, POSTS_MAX)
QUOTA = Bound(1, 1000)
# All posts together: the solver's matrix stays small (picks × candidates).
PICKS_MAX = 1000
RESERVE = Bound(0, 500)
AGES = Bound(16, 100)
# A weight is a share of the score, 0 (not counted) to 100.
WEIGHTS = Bound(0, 100)
SUSPENSION_DAYS = Bound(0, 3650)
# A score is 0–100 with two decimals; a normalised value 0–1 with four.
SCORES = Bound(Decimal(0), Decimal(100))
RANKS = Bound(1, 1_000_000)
POOL = Bound(0, 10_000_000)


class State(models.TextChoices):
    DRAFT = "draft", _("Defined, not run")
    PROPOSED = "proposed", _("Run, awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


DECIDED_STATES = (State.APPROVED, State.REJECTED)


class PoolStatus(models.TextChoices):
    ACTIVE = "active", _("Active volunteers")
    ACTIVE_OR_APPLIED = "active_applied", _("Active and applied volunteers")


class Outcome(models.TextChoices):
    PICKED = "picked", _("Picked")
    RESERVE = "reserve", _("Reserve")


class Selection(models.Model):
    """One selection by criteria, as defined and, once run, as proposed and decided.

    The definition: ``organization`` selects (its region places the row); the pool is the
    running person's change scope narrowed by ``pool_region`` (the volunteers' home region's
    subtree), ``pool_organization`` (a team and its sub-teams), ``keyword`` (in their service
    categories) and ``pool_status``. Hard criteria: ``requirement`` (the eligibility core's
    conditions with ids: skills, qualification groups, verified only; ``min_age`` and
    ``max_age`` are kept beside it as columns so the database bounds them), no suspension now
    or in the last ``suspension_free_days`` days, a registration consent not withdrawn, and
    (where a health declaration is asked for) a granted health-data consent (PIPL Art 28–29).
    ``weights`` maps each criterion code of ``criteria.CRITERIA`` to
    0–100; ``place_region`` is where the distance is measured to. The posts and their quotas
    are ``SelectionPost`` rows; ``reserve_size`` people follow the picks on a reserve list.

    The run: ``snapshot`` holds the definition as run (criteria with labels and weights,
    filters in words, posts, pool counts, the solver's objective), ``run_by``/``run_at`` who
    ran it. The decision: ``decided_by`` (never ``run_by``), ``decided_at``,
    ``decision_reason`` (required to reject).
    """

    name = models.CharField(_("name"), max_length=NAME_MAX)
    purpose = models.CharField(_("purpose"), max_length=NOTE_MAX, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("selecting organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    pool_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("volunteers of region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pool_organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("volunteers of organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    keyword = models.CharField(_("service category contains"), max_length=KEYWORD_MAX, blank=True)
    pool_status = models.CharField(
        _("status"), max_length=20, choices=PoolStatus.choices, default=PoolStatus.ACTIVE
    )
    requirement = models.JSONField(_("qualifications and skills"), default=dict, blank=True)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[AGES.validator()]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[AGES.validator()]
    )
    suspension_free_days = models.PositiveSmallIntegerField(
        _("no suspension in the last days"),
        default=365,
        validators=[SUSPENSION_DAYS.validator()],
    )
    weights = models.JSONField(_("weights"), default=dict)
    place_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("distance measured to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reserve_size = models.PositiveSmallIntegerField(
        _("reserve list"), default=10, validators=[RESERVE.validator()]
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    pool_size = models.PositiveIntegerField(default=0, validators=[POOL.validator()])
    eligible_size = models.PositiveIntegerField(default=0, validators=[POOL.validator()])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("defined at"), validators=[MOMENTS.validator()])
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_by_name = models.CharField(_("run by"), max_length=150, blank=True)
    run_at = models.DateTimeField(
        _("run at"), null=True, blank=True, validators=[MOMENTS.validator()]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True, validators=[MOMENTS.validator()]
    )
    decision_reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "organization"
    scope_member_orgs_visible = False

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        indexes = [models.Index(fields=["created_at", "id"], name="selection_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in State]), name="selection_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(pool_status__in=[s.value for s in PoolStatus]),
                name="selection_pool_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="selection_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(run_at__isnull=False),
                name="selection_run_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["approved", "rejected"])
                | models.Q(decided_at__isnull=False),
                name="selection_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(decision_reason=""),
                name="selection_rejected_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(eligible_size__lte=models.F("pool_size")),
                name="selection_eligible_within_pool",
            ),
            AGES.constraint("selection", "min_age", null=True),
            AGES.constraint("selection", "max_age", null=True),
            SUSPENSION_DAYS.constraint("selection", "suspension_free_days"),
            RESERVE.constraint("selection", "reserve_size"),
            POOL.constraint("selection", "pool_size"),
            POOL.constraint("selection", "eligible_size"),
            MOMENTS.constraint("selection", "created_at"),
            MOMENTS.constraint("selection", "run_at", null=True),
            MOMENTS.constraint("selection", "decided_at", null=True),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_decided(self) -> bool:
        return self.state in DECIDED_STATES

    @property
    def picks(self) -> int:
        """The number to pick: the posts' quotas together (a person counts for one post)."""
        return sum(post.quota for post in self.posts.all())


class SelectionPost(models.Model):
    """One post of a selection and how many people it takes ("交通枢纽", 15).

    ``qualification_group`` lists qualification type ids of which a person must hold one
    (valid, through the eligibility core) to be picked for this post, on top of the
    selection's hard criteria; empty: anyone eligible for the selection may take it."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="posts")
    position = models.PositiveSmallIntegerField(default=1, validators=[POSITIONS.validator()])
    name = models.CharField(_("post"), max_length=POST_NAME_MAX)
    quota = models.PositiveIntegerField(_("quota"), validators=[QUOTA.validator()])
    qualification_group = models.JSONField(default=list, blank=True)
    filled = models.PositiveIntegerField(
        default=0, validators=[Bound(0, QUOTA.high).validator()], editable=False
    )

    objects = ScopedQuerySet.as_manager()
    scope_via = "selection"

    class Meta:
        ordering = ["selection", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "position"], name="selectionpost_position"
            ),
            models.UniqueConstraint(fields=["selection", "name"], name="selectionpost_name"),
            QUOTA.constraint("selectionpost", "quota"),
            POSITIONS.constraint("selectionpost", "position"),
            Bound(0, QUOTA.high).constraint("selectionpost", "filled"),
            models.CheckConstraint(
                condition=models.Q(filled__lte=models.F("quota")), name="selectionpost_filled_quota"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.quota})"


class SelectionCandidate(models.Model):
    """One person on a run's result: picked for ``post`` or on the reserve list, at ``rank``
    (1 = best score; ties broken by the rule in ``scoring``). ``score`` (0–100) and
    ``breakdown`` (per criterion: raw value, normalised 0–1, weight, points) are frozen at the
    run; ``eligible_posts`` the post ids the person could have taken."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="candidates")
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    post = models.ForeignKey(
        SelectionPost, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveIntegerField(_("rank"), validators=[RANKS.validator()])
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=[SCORES.validator()]
    )
    breakdown = models.JSONField(default=list)
    eligible_posts = models.JSONField(default=list)

    objects = ScopedQuerySet.as_manager()
    scope_via = "selection"

    class Meta:
        ordering = ["selection", "outcome", "rank", "id"]
        indexes = [
            models.Index(fields=["selection", "outcome", "rank"], name="selcand_order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["selection", "volunteer"], name="selcand_once"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=[o.value for o in Outcome]),
                name="selcand_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="picked", post__isnull=False)
                | models.Q(outcome="reserve", post__isnull=True),
                name="selcand_picked_has_post",
            ),
            RANKS.constraint("selectioncandidate", "rank"),
            SCORES.constraint("selectioncandidate", "score"),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id}#{self.rank}"
