"""Regional dispatch (区域化调度): when people can serve, call-outs, the engine's proposals with
their reasons, and the invitations that people accept or decline.

Nobody is forced (条例 Art 25): a proposal is only a list of people to *invite*; a person is on a
shift's roster only once they accept, through the activities app's sign-up under its row lock.

Who sees what (``vetserve.core.access``): availability follows its volunteer (``scope_via``);
a call-out is placed in its region and dispatching organization, and its proposals, lines and
invitations follow it. A volunteer reaches their own invitations through the signed link or
their own page, never through a grant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.activities.models import PEOPLE_PER_SHIFT
from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import MOMENTS, Bound, text_constraint

# The day in four parts (local time, Asia/Shanghai): the weekly pattern is one bit per part
# and weekday, Monday's night first, so a phone form is 28 check boxes and a check one AND.
PARTS = (
    ("night", 0, 6, _("night (0–6)")),
    ("morning", 6, 12, _("morning (6–12)")),
    ("afternoon", 12, 18, _("afternoon (12–18)")),
    ("evening", 18, 24, _("evening (18–24)")),
)
WEEK_BITS = 7 * len(PARTS)
WEEKLY_MASK = Bound(0, 2**WEEK_BITS - 1)
NOTE_MAX = 200
TITLE_MAX = 120
# How long an invitation waits: a minute to a week.
ANSWER_MINUTES = Bound(1, 7 * 24 * 60)
RANKS = Bound(0, 10_000)
# Engine costs and bounds: integers the engine sums over at most 10,000 shifts' seats.
COSTS = Bound(-(10**15), 10**15)
SOLVE_MS = Bound(0, 24 * 3600 * 1000)
CANDIDATES = Bound(0, 10_000_000)
ERROR_MAX = 200
TOKEN_LENGTH = 16


class Availability(models.Model):
    """When one volunteer can usually serve: a weekly pattern (``weekly_mask``, one bit per
    weekday and part of the day) and whether they may be called at any hour in an emergency.
    A volunteer with no row has declared nothing: every part counts as free, and no
    emergency call reaches them outside it."""

    volunteer = models.OneToOneField(
        "people.Volunteer", on_delete=models.CASCADE, related_name="availability"
    )
    weekly_mask = models.PositiveIntegerField(
        _("weekly pattern"), default=WEEKLY_MASK.high, validators=[WEEKLY_MASK.validator()]
    )
    emergency_reachable = models.BooleanField(_("reachable for emergencies"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_via = "volunteer"

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [WEEKLY_MASK.constraint("availability", "weekly_mask")]

    def __str__(self) -> str:
        return f"{self.volunteer_id}"


class Unavailability(models.Model):
    """A period when one volunteer cannot serve at all (travel, illness, a family matter)."""

    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.CASCADE, related_name="unavailabilities"
    )
    starts_at = models.DateTimeField(_("from"), validators=[MOMENTS.validator()])
    ends_at = models.DateTimeField(_("until"), validators=[MOMENTS.validator()])
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "volunteer"

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("unavailable period")
        verbose_name_plural = _("unavailable periods")
        indexes = [models.Index(fields=["volunteer", "ends_at"], name="unavail_volunteer_ends")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="unavailability_period_ordered",
            ),
            MOMENTS.constraint("unavailability", "starts_at"),
            MOMENTS.constraint("unavailability", "ends_at"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.starts_at:%Y-%m-%d}"


class CallOutState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposal ready")
    INVITING = "inviting", _("Invitations sent")
    CLOSED = "closed", _("Closed")


class CallOut(models.Model):
    """One call-out: the shifts of one activity a dispatcher wants filled (new ones made for it,
    or existing ones picked), in a region, by a federation. ``emergency`` shortens the time an
    invitation waits and reaches people who said they may be called at any hour; ``widen``
    lets the engine take people from beyond the county and its neighbours."""

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, related_name="callouts"
    )
    shifts = models.ManyToManyField("activities.Shift", related_name="callouts")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="callouts"
    )
    emergency = models.BooleanField(_("emergency"), default=False)
    widen = models.BooleanField(_("widen beyond neighbouring counties"), default=True)
    answer_minutes = models.PositiveIntegerField(
        _("minutes to answer"), validators=[ANSWER_MINUTES.validator()]
    )
    state = models.CharField(
        _("state"), max_length=10, choices=CallOutState.choices, default=CallOutState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region_id"
    scope_org_field = "organization"
    scope_member_orgs_visible = False

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("call-out")
        verbose_name_plural = _("call-outs")
        indexes = [models.Index(fields=["created_at", "id"], name="callout_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in CallOutState]),
                name="callout_state_valid",
            ),
            ANSWER_MINUTES.constraint("callout", "answer_minutes"),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    OPTIMAL = "optimal", _("optimal")
    FEASIBLE = "feasible", _("best found in the time limit")
    INFEASIBLE = "infeasible", _("no solution")


class Proposal(models.Model):
    """One run of the engine for a call-out: who ran it, when, how good the answer is
    (``objective`` and the proven ``bound``), and which shifts took people from further away.
    Its lines hold the people proposed, the reserves and the unfilled seats, with reasons."""

    callout = models.ForeignKey(CallOut, on_delete=models.CASCADE, related_name="proposals")
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices)
    objective = models.BigIntegerField(validators=[COSTS.validator()])
    bound = models.BigIntegerField(validators=[COSTS.validator()])
    solve_ms = models.PositiveIntegerField(validators=[SOLVE_MS.validator()])
    candidates = models.PositiveIntegerField(validators=[CANDIDATES.validator()])
    widened = models.JSONField(default=list)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_at = models.DateTimeField(validators=[MOMENTS.validator()])

    objects = ScopedQuerySet.as_manager()
    scope_via = "callout"

    class Meta:
        ordering = ["-run_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ProposalStatus]),
                name="proposal_status_valid",
            ),
            COSTS.constraint("proposal", "objective"),
            COSTS.constraint("proposal", "bound"),
            SOLVE_MS.constraint("proposal", "solve_ms"),
            CANDIDATES.constraint("proposal", "candidates"),
            MOMENTS.constraint("proposal", "run_at"),
        ]

    def __str__(self) -> str:
        return f"{self.callout_id}/{self.pk}"


class LineKind(models.TextChoices):
    ASSIGNED = "assigned", _("proposed")
    RESERVE = "reserve", _("reserve")
    UNFILLED = "unfilled", _("unfilled")
    REMOVED = "removed", _("taken off by the dispatcher")


class ProposalLine(models.Model):
    """One line of a proposal: a person proposed for a shift, a person on its reserve list
    (``rank`` 1, 2, …), or seats that stay unfilled (``missing``, no person). ``reasons`` are
    the engine's structured reasons, ``[[code, value], …]``, put in words by
    ``vetserve.dispatch.reasons`` when shown. The dispatcher's edits change ``kind``."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines")
    shift = models.ForeignKey("activities.Shift", on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        "people.Volunteer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    rank = models.PositiveIntegerField(default=0, validators=[RANKS.validator()])
    missing = models.PositiveIntegerField(default=0, validators=[PEOPLE_PER_SHIFT.validator()])
    cost = models.BigIntegerField(default=0, validators=[COSTS.validator()])
    reasons = models.JSONField(default=list)

    objects = ScopedQuerySet.as_manager()
    scope_via = "proposal"

    class Meta:
        ordering = ["shift_id", "kind", "rank", "id"]
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")
        indexes = [models.Index(fields=["proposal", "shift", "kind"], name="line_shift_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in LineKind]), name="line_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="unfilled", volunteer__isnull=True)
                | (~models.Q(kind="unfilled") & models.Q(volunteer__isnull=False)),
                name="line_person_unless_unfilled",
            ),
            RANKS.constraint("proposalline", "rank"),
            PEOPLE_PER_SHIFT.constraint("proposalline", "missing"),
            COSTS.constraint("proposalline", "cost"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.shift_id} {self.volunteer_id}"


class InvitationState(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("no answer in time")
    REFUSED = "refused", _("could not be put on the roster")
    CANCELLED = "cancelled", _("withdrawn by the dispatcher")


OPEN_STATES = (InvitationState.PENDING,)


class SmsState(models.TextChoices):
    NONE = "none", _("no SMS (no phone number)")
    QUEUED = "queued", _("SMS queued")
    SENT = "sent", _("SMS sent")
    FAILED = "failed", _("SMS failed")


class Invitation(models.Model):
    """One person invited to one shift of a call-out, and their answer. ``token`` (random, 80
    bits) is what the short signed link carries — never a personal id. Accepting creates the
    sign-up (``signup``); declining costs nothing and invites the next person on the reserve
    list, as does no answer by ``expires_at``. ``sms_state``/``sms_error`` show the dispatcher
    whether the text reached the gateway."""

    callout = models.ForeignKey(CallOut, on_delete=models.CASCADE, related_name="invitations")
    shift = models.ForeignKey("activities.Shift", on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.CASCADE, related_name="invitations"
    )
    rank = models.PositiveIntegerField(default=0, validators=[RANKS.validator()])
    token = models.CharField(max_length=TOKEN_LENGTH, unique=True, editable=False)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=InvitationState.choices,
        default=InvitationState.PENDING,
    )
    sent_at = models.DateTimeField(validators=[MOMENTS.validator()])
    expires_at = models.DateTimeField(validators=[MOMENTS.validator()])
    answered_at = models.DateTimeField(null=True, blank=True, validators=[MOMENTS.validator()])
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    sms_state = models.CharField(max_length=8, choices=SmsState.choices, default=SmsState.NONE)
    sms_error = models.CharField(max_length=ERROR_MAX, blank=True)
    signup = models.ForeignKey(
        "activities.SignUp", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_via = "callout"

    class Meta:
        ordering = ["shift_id", "rank", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["callout", "shift", "state"], name="invitation_callout_shift"),
            models.Index(fields=["state", "expires_at"], name="invitation_due"),
            models.Index(fields=["volunteer", "state"], name="invitation_volunteer"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["callout", "shift", "volunteer"], name="invitation_once_per_shift"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in InvitationState]),
                name="invitation_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(sms_state__in=[s.value for s in SmsState]),
                name="invitation_sms_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("sent_at")),
                name="invitation_expires_after_sent",
            ),
            RANKS.constraint("invitation", "rank"),
            MOMENTS.constraint("invitation", "sent_at"),
            MOMENTS.constraint("invitation", "expires_at"),
            MOMENTS.constraint("invitation", "answered_at", null=True),
            text_constraint("invitation", "note", NOTE_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.callout_id}/{self.shift_id}/{self.volunteer_id}"
