"""Sign-ups: the check (status, duplicates, rest and hours limits, eligibility), sign up
and withdraw under a row lock, waitlist promotion, taking an erased person off every roster,
and a roster member's number for the leader to call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.activities import conf
from vetserve.activities.hours import days_touched, hours_text, minutes_on
from vetserve.activities.models import LIVE_STATES, Shift, SignUp, SignUpState, Status
from vetserve.activities.services._access import require_change_activity, user_or_none
from vetserve.activities.services.requirements import shift_requirement
from vetserve.audit.services import audit_record
from vetserve.core.access import VIEW, Actor, may_change_activity
from vetserve.notify.services import notification_send
from vetserve.people.models import Status as VolunteerStatus
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_own
from vetserve.skills.selectors import eligibility_for


def signup_limit_problems(shift: Shift, volunteer: Volunteer) -> list[str]:
    """Overlap, rest and hours-per-day against the volunteer's other live sign-ups, in words.

    Waitlisted places count too: a waitlisted place may turn into a confirmed one at any time.
    """
    return _limit_problems(shift, _live_shifts_near(shift, volunteer))


def _live_shifts_near(shift: Shift, volunteer: Volunteer) -> list[Shift]:
    """The volunteer's shifts with a live sign-up near ``shift``, ``shift`` itself included
    when they are on it: one query answers both "already signed up?" and the limits."""
    rest = conf.min_rest()
    return list(
        Shift.objects.filter(
            signups__volunteer=volunteer,
            signups__state__in=LIVE_STATES,
            starts_at__lt=shift.ends_at + rest,
            ends_at__gt=shift.starts_at - max(rest, timedelta(days=1)),
        ).distinct()
    )


def _limit_problems(shift: Shift, near: list[Shift]) -> list[str]:
    rest = conf.min_rest()
    max_hours = conf.max_hours_per_day()
    others = [other for other in near if other.pk != shift.pk]
    problems: list[str] = []
    for other in others:
        if other.starts_at < shift.ends_at and other.ends_at > shift.starts_at:
            problems.append(
                _("Overlaps your shift %(post)s (%(when)s).")
                % {"post": other.post, "when": _local(other.starts_at)}
            )
        elif other.starts_at < shift.ends_at + rest and other.ends_at > shift.starts_at - rest:
            problems.append(
                _("Needs %(hours)s hours of rest after or before your shift %(post)s (%(when)s).")
                % {
                    "hours": hours_text(rest.total_seconds() / 3600),
                    "post": other.post,
                    "when": _local(other.starts_at),
                }
            )
    tz = timezone.get_current_timezone()
    for day in days_touched(shift.starts_at, shift.ends_at):
        total = minutes_on(day, shift.starts_at, shift.ends_at, tz) + sum(
            minutes_on(day, other.starts_at, other.ends_at, tz) for other in others
        )
        if total > max_hours * 60:
            problems.append(
                _("More than %(max)d hours of service on %(day)s (%(hours)s hours).")
                % {"max": max_hours, "day": day.isoformat(), "hours": hours_text(total / 60)}
            )
    return problems


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class SignUpCheck:
    """May this volunteer sign up for this shift now? ``eligibility`` holds the eligibility
    function's reasons (a leader may override those), ``blocking`` everything else."""

    eligibility: tuple[str, ...]
    blocking: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.eligibility and not self.blocking

    @property
    def reasons(self) -> list[str]:
        return [*self.blocking, *self.eligibility]


def signup_check(shift: Shift, volunteer: Volunteer, *, now: datetime | None = None) -> SignUpCheck:
    """Everything that stands between this volunteer and this shift, in words (read only)."""
    now = now or timezone.now()
    blocking: list[str] = []
    activity = shift.activity
    if activity.status not in (Status.PUBLISHED, Status.UNDER_WAY):
        blocking.append(_("The activity is not open for sign-up."))
    if shift.starts_at <= now:
        blocking.append(_("The shift has already started."))
    if volunteer.status != VolunteerStatus.ACTIVE or volunteer.erased_at is not None:
        blocking.append(_("Only active volunteers can be signed up."))
    near = _live_shifts_near(shift, volunteer)
    if any(other.pk == shift.pk for other in near):
        blocking.append(_("Already signed up for this shift."))
    blocking.extend(_limit_problems(shift, near))
    decision = eligibility_for(volunteer, shift_requirement(shift), at=shift.starts_at)
    return SignUpCheck(eligibility=tuple(decision.texts()), blocking=tuple(blocking))


def _refusal(messages: Sequence[str], code: str) -> ValidationError:
    """Every reason as its own message, each with the machine code (for the API)."""
    return ValidationError([ValidationError(m, code=code) for m in messages])


@transaction.atomic
def signup_create(
    *, actor: Actor | None, shift: Shift, volunteer: Volunteer, override_reason: str = ""
) -> SignUp:
    """Sign a volunteer up: themself (invite-and-accept, nobody is forced, 条例 Art 25), or
    added by a leader of the activity. Confirmed while there is room, else waitlisted.

    The room is counted under a row lock on the shift (SELECT … FOR UPDATE), so however many
    sign-ups race on however many server processes, confirmed never exceeds the maximum. The
    volunteer's row is locked first, so the same person's parallel sign-ups cannot slip past
    the rest and hours limits either (lock order: volunteer, then shift, everywhere).

    A leader may override *eligibility* refusals with a reason (audited); limits, status and
    duplicates are never overridden.
    """
    # One's own record is the one linked to one's login (what volunteer_own reads), so the
    # volunteer at hand tells without a query.
    is_self = (
        volunteer.user_id is not None
        and volunteer.user_id == getattr(actor, "pk", None)
        and volunteer.erased_at is None
    )
    is_leader = may_change_activity(actor, shift.activity)
    if not is_self and not is_leader:
        raise PermissionDenied(_("You may only sign yourself up."))
    override_reason = override_reason.strip() if is_leader else ""
    # The locks, volunteer first: only the key is read (the row is at hand).
    list(Volunteer.objects.select_for_update().filter(pk=volunteer.pk).order_by().values_list("pk"))
    # A volunteer signing up may only reach a shift they see; the same query takes the lock.
    shifts = (
        Shift.objects.all() if is_leader else Shift.objects.visible_to(actor, VIEW)
    ).select_for_update(of=("self",))
    locked = shifts.filter(pk=shift.pk).first()
    if locked is None:
        raise PermissionDenied(_("You may only sign yourself up."))
    locked.activity = shift.activity
    check = signup_check(locked, volunteer)
    if check.blocking:
        raise _refusal(check.blocking, "refused")
    if check.eligibility and not override_reason:
        raise _refusal(check.eligibility, "not_eligible")
    confirmed = locked.signups.filter(state=SignUpState.CONFIRMED).count()
    now = timezone.now()
    signup = SignUp(
        shift=locked,
        volunteer=volunteer,
        added_by=user_or_none(actor),
        override_reason=override_reason if check.eligibility else "",
    )
    if confirmed < locked.max_people:
        signup.state = SignUpState.CONFIRMED
        signup.confirmed_at = now
    else:
        last = locked.signups.filter(state=SignUpState.WAITLISTED).aggregate(
            m=Max("waitlist_position")
        )["m"]
        signup.state = SignUpState.WAITLISTED
        signup.waitlist_position = (last or 0) + 1
    signup.save()
    activity = shift.activity
    audit_record(
        actor=actor,
        action="signup.override" if signup.override_reason else "signup.create",
        obj=signup,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
        reason=signup.override_reason,
        changes={
            "state": [None, signup.state],
            **({"not_eligible": [None, "; ".join(check.eligibility)]} if check.eligibility else {}),
        },
    )
    return signup


@transaction.atomic
def signup_withdraw(*, actor: Actor | None, signup: SignUp, reason: str = "") -> SignUp:
    """Take a sign-up back. The volunteer themself until the cut-off before the start; a
    leader of the activity at any time, with a reason. A freed confirmed place goes to the
    waitlist in order at once."""
    shift = signup.shift
    activity = shift.activity
    own = volunteer_own(user=actor)
    is_self = own is not None and own.pk == signup.volunteer_id
    is_leader = may_change_activity(actor, activity)
    if not is_self and not is_leader:
        raise PermissionDenied(_("You may not change this sign-up."))
    locked_shift = Shift.objects.select_for_update().get(pk=shift.pk)
    locked_shift.activity = activity
    row = SignUp.objects.get(pk=signup.pk)
    if row.state not in LIVE_STATES:
        raise ValidationError(_("This sign-up was already withdrawn."), code="not_live")
    now = timezone.now()
    in_time = now < shift.starts_at - conf.withdraw_cutoff()
    if not (is_self and in_time) and not is_leader:
        raise ValidationError(
            _(
                "Withdrawing is possible until %(hours)s hours before the start; "
                "please call the person in charge."
            )
            % {"hours": hours_text(conf.withdraw_cutoff().total_seconds() / 3600)},
            code="cutoff",
        )
    before = row.state
    if is_self and in_time:
        row.state = SignUpState.WITHDRAWN
    else:
        if len(reason.strip()) < 2:
            raise ValidationError({"reason": _("Say why this person is taken off.")}, code="reason")
        row.state = SignUpState.REMOVED
    row.waitlist_position = None
    row.ended_at = now
    row.save(update_fields=["state", "waitlist_position", "ended_at"])
    audit_record(
        actor=actor,
        action="signup.withdraw" if row.state == SignUpState.WITHDRAWN else "signup.remove",
        obj=row,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
        reason=reason,
        changes={"state": [before, row.state]},
    )
    if before == SignUpState.CONFIRMED:
        waitlist_promote(locked_shift)
    return row


def signups_end_on_erasure(*, actor: Actor | None, volunteer: Volunteer, reason: str) -> None:
    """An erased person is taken off every roster and waitlist they are on: nobody can check
    them in by their sign-up any more, and a freed place of a shift still to come goes to its
    waitlist. The caller (the erasure) holds the right to change the person's record."""
    now = timezone.now()
    live = SignUp.objects.filter(volunteer=volunteer, state__in=LIVE_STATES).select_related(
        "shift__activity"
    )
    for row in live:
        shift = Shift.objects.select_for_update().get(pk=row.shift_id)
        shift.activity = row.shift.activity
        before = row.state
        row.state, row.waitlist_position, row.ended_at = SignUpState.REMOVED, None, now
        row.save(update_fields=["state", "waitlist_position", "ended_at"])
        audit_record(
            actor=actor,
            action="signup.remove",
            obj=row,
            region_id=shift.activity.region_id,
            organization_id=shift.activity.organization_id,
            reason=reason,
            changes={"state": [before, row.state]},
        )
        if before == SignUpState.CONFIRMED and shift.ends_at > now:
            waitlist_promote(shift)


def waitlist_promote(shift: Shift) -> list[SignUp]:
    """Fill free places from the waitlist in position order; caller holds the shift lock."""
    confirmed = shift.signups.filter(state=SignUpState.CONFIRMED).count()
    free = shift.max_people - confirmed
    if free <= 0:
        return []
    promoted = list(
        shift.signups.filter(state=SignUpState.WAITLISTED)
        .select_related("volunteer")
        .order_by("waitlist_position", "id")[:free]
    )
    now = timezone.now()
    for row in promoted:
        row.state = SignUpState.CONFIRMED
        row.waitlist_position = None
        row.confirmed_at = now
        row.save(update_fields=["state", "waitlist_position", "confirmed_at"])
        audit_record(
            actor=None,
            action="signup.promote",
            obj=row,
            region_id=shift.activity.region_id,
            organization_id=shift.activity.organization_id,
            changes={"state": [SignUpState.WAITLISTED, SignUpState.CONFIRMED]},
        )
        if row.volunteer.user_id is not None:
            notification_send(
                user=row.volunteer.user,
                title=_("You have a place: %(post)s") % {"post": shift.post},
                body=_("%(activity)s, %(when)s. Withdraw in time if you cannot come.")
                % {"activity": shift.activity.title, "when": _local(shift.starts_at)},
            )
    return promoted


def shift_call_number(*, actor: Actor | None, signup: SignUp, reason: str = "") -> str:
    """The full phone number of someone on a shift's roster, for a leader of the activity to
    call; always audit-logged ("shift.call")."""
    from vetserve.people.services import volunteer_reveal_value

    activity = signup.shift.activity
    require_change_activity(actor, activity)
    number = volunteer_reveal_value(signup.volunteer, "phone")
    audit_record(
        actor=actor,
        action="shift.call",
        obj=signup.volunteer,
        reason=reason or _("Call from the shift roster"),
        changes={"shift": [None, str(signup.shift_id)]},
    )
    return number
