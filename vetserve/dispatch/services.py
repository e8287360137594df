"""Every write of dispatch: availability, call-outs, running the engine, editing its proposal,
invitations and their answers, and moving on to the reserve list after a decline or a timeout.

Each is ``@transaction.atomic``, asks the access module and leaves an audit entry: who ran
which proposal, who was invited, who answered what (issue 16). Nobody is forced (条例 Art 25):
accepting is the only way onto a roster from here, and declining is one tap that costs nothing.
"""

from __future__ import annotations

import base64
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.activities.models import Category, Shift
from vetserve.activities.models import Status as ActivityStatus
from vetserve.activities.services import (
    activity_create,
    activity_status_change,
    shift_create,
    signup_create,
)
from vetserve.audit.services import audit_record
from vetserve.core.access import Actor, may_dispatch, may_set_availability
from vetserve.core.bounds import MOMENTS
from vetserve.dispatch import conf, engine, sms
from vetserve.dispatch.engine import Proposal as EngineProposal
from vetserve.dispatch.engine import Reason
from vetserve.dispatch.models import (
    ANSWER_MINUTES,
    NOTE_MAX,
    TITLE_MAX,
    WEEKLY_MASK,
    Availability,
    CallOut,
    CallOutState,
    Invitation,
    InvitationState,
    LineKind,
    Proposal,
    ProposalLine,
    SmsState,
    Unavailability,
)
from vetserve.dispatch.problem import build_problem, callout_shifts
from vetserve.dispatch.tokens import invitation_link
from vetserve.notify.services import notification_send
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.regions.models import Region

logger = logging.getLogger(__name__)
SYSTEM_NAME = "dispatch"


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None


# --- availability ------------------------------------------------------------------------------


@transaction.atomic
def availability_set(
    *, actor: Actor | None, volunteer: Volunteer, weekly_mask: int, emergency_reachable: bool
) -> Availability:
    """Declare a volunteer's weekly pattern and whether they may be called at any hour."""
    if not may_set_availability(actor, volunteer):
        raise PermissionDenied(_("You may not change this person's availability."))
    if weekly_mask not in WEEKLY_MASK:
        raise ValidationError({"weekly_mask": WEEKLY_MASK.message()}, code="out_of_range")
    row, _created = Availability.objects.select_for_update().get_or_create(volunteer=volunteer)
    before = [row.weekly_mask, row.emergency_reachable]
    row.weekly_mask = weekly_mask
    row.emergency_reachable = emergency_reachable
    row.updated_by = _user(actor)
    row.save()
    audit_record(
        actor=actor,
        action="availability.set",
        obj=volunteer,
        changes={
            "weekly_mask": [before[0], weekly_mask],
            "emergency_reachable": [before[1], emergency_reachable],
        },
    )
    return row


@transaction.atomic
def unavailability_add(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
) -> Unavailability:
    """A period when the volunteer cannot serve at all."""
    if not may_set_availability(actor, volunteer):
        raise PermissionDenied(_("You may not change this person's availability."))
    if starts_at not in MOMENTS or ends_at not in MOMENTS:
        raise ValidationError({"starts_at": MOMENTS.message()}, code="out_of_range")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")}, code="period")
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("At most %(limit)d characters.") % {"limit": NOTE_MAX}}, code="note"
        )
    row = Unavailability.objects.create(
        volunteer=volunteer, starts_at=starts_at, ends_at=ends_at, note=note.strip()
    )
    audit_record(
        actor=actor,
        action="unavailability.add",
        obj=volunteer,
        changes={"period": [None, f"{starts_at.isoformat()}/{ends_at.isoformat()}"]},
    )
    return row


@transaction.atomic
def unavailability_remove(*, actor: Actor | None, period: Unavailability) -> None:
    volunteer = period.volunteer
    if not may_set_availability(actor, volunteer):
        raise PermissionDenied(_("You may not change this person's availability."))
    text = f"{period.starts_at.isoformat()}/{period.ends_at.isoformat()}"
    period.delete()
    audit_record(
        actor=actor, action="unavailability.remove", obj=volunteer, changes={"period": [text, None]}
    )


# --- call-outs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftSpec:
    """One new shift of a call-out: a post, its time and its seats."""

    post: str
    starts_at: datetime
    ends_at: datetime
    min_people: int
    wanted_people: int
    max_people: int
    requirements: dict[str, object] | None = None


def _answer_minutes(emergency: bool, answer_minutes: int | None) -> int:
    minutes = answer_minutes or (conf.emergency_minutes() if emergency else conf.invite_minutes())
    if minutes not in ANSWER_MINUTES:
        raise ValidationError({"answer_minutes": ANSWER_MINUTES.message()}, code="out_of_range")
    return minutes


def _check_title(title: str) -> str:
    text = title.strip()
    if not text:
        raise ValidationError({"title": _("Give the call-out a title.")}, code="title")
    if len(text) > TITLE_MAX:
        raise ValidationError(
            {"title": _("At most %(limit)d characters.") % {"limit": TITLE_MAX}}, code="title"
        )
    return text


@transaction.atomic
def callout_create(
    *,
    actor: Actor | None,
    organization: Organization,
    region: Region,
    title: str,
    place: str,
    shifts: list[ShiftSpec],
    category: str = Category.OTHER,
    lat: Decimal | None = None,
    lon: Decimal | None = None,
    emergency: bool = False,
    widen: bool = True,
    answer_minutes: int | None = None,
    description: str = "",
) -> CallOut:
    """A call-out with new shifts: an activity is made and published for it (through the
    activities services, which check and audit it), then its shifts."""
    if not may_dispatch(actor, region.pk):
        raise PermissionDenied(_("You may not dispatch in this region."))
    text = _check_title(title)
    if not shifts:
        raise ValidationError({"shifts": _("Add at least one shift.")}, code="shifts")
    minutes = _answer_minutes(emergency, answer_minutes)
    starts = min(s.starts_at for s in shifts)
    ends = max(s.ends_at for s in shifts)
    activity = activity_create(
        actor=actor,
        organization=organization,
        title=text,
        category=category,
        place=place,
        starts_at=starts,
        ends_at=ends,
        region=region,
        lat=lat,
        lon=lon,
        description=description,
    )
    made = [
        shift_create(
            actor=actor,
            activity=activity,
            post=spec.post,
            starts_at=spec.starts_at,
            ends_at=spec.ends_at,
            min_people=spec.min_people,
            wanted_people=spec.wanted_people,
            max_people=spec.max_people,
            requirements=spec.requirements,
        )
        for spec in shifts
    ]
    activity_status_change(actor=actor, activity=activity, to_status=ActivityStatus.PUBLISHED)
    callout = CallOut.objects.create(
        title=text,
        activity=activity,
        region=region,
        organization=organization,
        emergency=emergency,
        widen=widen,
        answer_minutes=minutes,
        created_by=_user(actor),
    )
    callout.shifts.set(made)
    audit_record(
        actor=actor,
        action="callout.create",
        obj=callout,
        changes={"shifts": [None, len(made)], "emergency": [None, emergency]},
    )
    return callout


@transaction.atomic
def callout_from_shifts(
    *,
    actor: Actor | None,
    shifts: list[Shift],
    title: str = "",
    emergency: bool = False,
    widen: bool = True,
    answer_minutes: int | None = None,
) -> CallOut:
    """A call-out for existing shifts of one published activity."""
    if not shifts:
        raise ValidationError({"shifts": _("Choose at least one shift.")}, code="shifts")
    activity = shifts[0].activity
    if any(s.activity_id != activity.pk for s in shifts):
        raise ValidationError({"shifts": _("Choose shifts of one activity.")}, code="shifts")
    if not may_dispatch(actor, activity.region_id):
        raise PermissionDenied(_("You may not dispatch in this region."))
    if activity.status not in (ActivityStatus.PUBLISHED, ActivityStatus.UNDER_WAY):
        raise ValidationError(_("The activity is not open for sign-up."), code="status")
    now = timezone.now()
    if any(s.starts_at <= now for s in shifts):
        raise ValidationError({"shifts": _("A shift has already started.")}, code="started")
    callout = CallOut.objects.create(
        title=_check_title(title or activity.title),
        activity=activity,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
        emergency=emergency,
        widen=widen,
        answer_minutes=_answer_minutes(emergency, answer_minutes),
        created_by=_user(actor),
    )
    callout.shifts.set(shifts)
    audit_record(
        actor=actor, action="callout.create", obj=callout, changes={"shifts": [None, len(shifts)]}
    )
    return callout


def _require_dispatch(actor: Actor | None, callout: CallOut) -> None:
    if not may_dispatch(actor, callout.region_id):
        raise PermissionDenied(_("You may not dispatch in this region."))


def _reasons(reasons: tuple[Reason, ...]) -> list[list[object]]:
    return [[r.code, list(r.value) if isinstance(r.value, tuple) else r.value] for r in reasons]


@transaction.atomic
def proposal_run(*, actor: Actor | None, callout: CallOut) -> Proposal:
    """Run the engine on the call-out's shifts and save its answer as rows with the reasons.
    The newest proposal is the one the page shows and the invitations follow."""
    _require_dispatch(actor, callout)
    locked = CallOut.objects.select_for_update().get(pk=callout.pk)
    if locked.state == CallOutState.CLOSED:
        raise ValidationError(_("This call-out is closed."), code="closed")
    shifts = callout_shifts(locked)
    built = build_problem(actor=actor, callout=locked, shifts=shifts)
    answer: EngineProposal = engine.solve(built.problem)
    proposal = Proposal.objects.create(
        callout=locked,
        status=answer.status,
        objective=answer.objective,
        bound=answer.bound,
        solve_ms=answer.solve_ms,
        candidates=len(built.problem.candidates),
        widened=list(answer.widened),
        run_by=_user(actor),
        run_at=timezone.now(),
    )
    lines = [
        ProposalLine(
            proposal=proposal,
            shift_id=a.shift_id,
            volunteer_id=a.candidate_id,
            kind=LineKind.ASSIGNED,
            cost=a.cost,
            reasons=_reasons(a.reasons),
        )
        for a in answer.assignments
    ]
    lines += [
        ProposalLine(
            proposal=proposal,
            shift_id=r.shift_id,
            volunteer_id=r.candidate_id,
            kind=LineKind.RESERVE,
            rank=r.rank,
            reasons=_reasons(r.reasons),
        )
        for r in answer.reserves
    ]
    lines += [
        ProposalLine(
            proposal=proposal,
            shift_id=u.shift_id,
            kind=LineKind.UNFILLED,
            missing=u.missing,
            reasons=_reasons(u.reasons),
        )
        for u in answer.unfilled
    ]
    ProposalLine.objects.bulk_create(lines, batch_size=2000)
    if locked.state == CallOutState.DRAFT:
        locked.state = CallOutState.PROPOSED
        locked.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="dispatch.propose",
        obj=locked,
        changes={
            "proposal": [None, proposal.pk],
            "status": [None, answer.status],
            "assigned": [None, len(answer.assignments)],
            "unfilled": [None, sum(u.missing for u in answer.unfilled)],
        },
    )
    return proposal


def _latest_line(actor: Actor | None, line: ProposalLine) -> ProposalLine:
    callout = line.proposal.callout
    _require_dispatch(actor, callout)
    newest = callout.proposals.order_by("-run_at", "-id").values_list("pk", flat=True).first()
    if newest != line.proposal_id:
        raise ValidationError(_("Only the newest proposal can be edited."), code="stale")
    return ProposalLine.objects.select_for_update().get(pk=line.pk)


@transaction.atomic
def line_remove(*, actor: Actor | None, line: ProposalLine) -> ProposalLine:
    """Take a proposed person off the proposal (they will not be invited)."""
    row = _latest_line(actor, line)
    if row.kind != LineKind.ASSIGNED:
        raise ValidationError(_("Only a proposed person can be taken off."), code="kind")
    row.kind = LineKind.REMOVED
    row.save(update_fields=["kind"])
    audit_record(
        actor=actor,
        action="dispatch.line_remove",
        obj=line.proposal.callout,
        changes={"volunteer": [row.volunteer_id, None], "shift": [row.shift_id, row.shift_id]},
    )
    return row


@transaction.atomic
def line_promote(*, actor: Actor | None, line: ProposalLine) -> ProposalLine:
    """Move a person from the reserve list (or back from removed) onto the proposal: with
    ``line_remove`` of another person, a swap."""
    row = _latest_line(actor, line)
    if row.kind not in (LineKind.RESERVE, LineKind.REMOVED) or row.volunteer_id is None:
        raise ValidationError(_("Only a reserve can be added."), code="kind")
    if ProposalLine.objects.filter(
        proposal_id=row.proposal_id,
        shift_id=row.shift_id,
        volunteer_id=row.volunteer_id,
        kind=LineKind.ASSIGNED,
    ).exists():
        raise ValidationError(_("This person is already proposed for the shift."), code="twice")
    before = row.kind
    row.kind = LineKind.ASSIGNED
    row.save(update_fields=["kind"])
    audit_record(
        actor=actor,
        action="dispatch.line_add",
        obj=line.proposal.callout,
        changes={"volunteer": [None, row.volunteer_id], "from": [before, LineKind.ASSIGNED]},
    )
    return row


# --- invitations -------------------------------------------------------------------------------


def invitation_token() -> str:
    """16 base32 characters from 80 random bits: nobody finds an invitation by counting."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def _invite(
    *,
    actor: Actor | None,
    callout: CallOut,
    shift: Shift,
    volunteer: Volunteer,
    rank: int,
    now: datetime,
) -> Invitation | None:
    """One invitation, its in-app notification, and its SMS after the commit. None when the
    person was already invited to this shift of the call-out."""
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                callout=callout,
                shift=shift,
                volunteer=volunteer,
                rank=rank,
                token=invitation_token(),
                sent_at=now,
                expires_at=min(
                    now + timedelta(minutes=callout.answer_minutes),
                    max(shift.starts_at, now + timedelta(minutes=1)),
                ),
                sent_by=_user(actor) or callout.created_by,
                sms_state=SmsState.QUEUED if volunteer.phone_enc else SmsState.NONE,
            )
    except IntegrityError:
        return None
    link = invitation_link(invitation)
    when = timezone.localtime(shift.starts_at).strftime("%m-%d %H:%M")
    title = _("Call-out: %(title)s") % {"title": callout.title}
    body = _("%(post)s, %(when)s, %(place)s. Please accept or decline: %(link)s") % {
        "post": shift.post,
        "when": when,
        "place": callout.activity.place,
        "link": link,
    }
    if volunteer.user_id is not None:
        notification_send(user=volunteer.user, title=title, body=body)
    if volunteer.phone_enc:
        pk = invitation.pk
        params = {"title": callout.title[:20], "post": shift.post[:20], "when": when, "link": link}
        transaction.on_commit(lambda: sms_deliver(invitation_id=pk, params=params))
    audit_record(
        actor=actor or SYSTEM_NAME,
        action="dispatch.invite",
        obj=callout,
        changes={
            "invitation": [None, invitation.pk],
            "volunteer": [None, volunteer.pk],
            "shift": [None, shift.pk],
        },
    )
    return invitation


def sms_deliver(*, invitation_id: int, params: dict[str, str]) -> None:
    """Text one invitation through the configured gateway and record whether it went. A
    failure is kept on the invitation for the dispatcher to see (and call instead)."""
    from vetserve.people.services import volunteer_reveal_value

    invitation = Invitation.objects.select_related("volunteer").get(pk=invitation_id)
    try:
        phone = volunteer_reveal_value(invitation.volunteer, "phone")
        sms.send(phone, params)
    except Exception as error:  # a gateway's failure of any kind: shown, never raised
        logger.warning("invitation SMS %s failed: %s", invitation_id, type(error).__name__)
        Invitation.objects.filter(pk=invitation_id).update(
            sms_state=SmsState.FAILED, sms_error=str(error)[:200]
        )
    else:
        Invitation.objects.filter(pk=invitation_id).update(sms_state=SmsState.SENT, sms_error="")


def _newest_proposal(callout: CallOut) -> Proposal | None:
    return callout.proposals.order_by("-run_at", "-id").first()


@transaction.atomic
def invitations_send(*, actor: Actor | None, callout: CallOut) -> list[Invitation]:
    """Invite everyone proposed on the newest proposal who has no invitation yet."""
    _require_dispatch(actor, callout)
    locked = CallOut.objects.select_for_update().get(pk=callout.pk)
    if locked.state == CallOutState.CLOSED:
        raise ValidationError(_("This call-out is closed."), code="closed")
    proposal = _newest_proposal(locked)
    if proposal is None:
        raise ValidationError(_("Run the proposal first."), code="no_proposal")
    now = timezone.now()
    lines = list(
        proposal.lines.filter(kind=LineKind.ASSIGNED)
        .select_related("volunteer__user", "shift")
        .order_by("shift_id", "id")
    )
    made = []
    for line in lines:
        assert line.volunteer is not None  # an assigned line holds a person
        invitation = _invite(
            actor=actor, callout=locked, shift=line.shift, volunteer=line.volunteer, rank=0, now=now
        )
        if invitation is not None:
            made.append(invitation)
    locked.state = CallOutState.INVITING
    locked.save(update_fields=["state"])
    return made


def _invite_next(*, callout: CallOut, shift: Shift, now: datetime) -> Invitation | None:
    """The next person on the shift's reserve list who was not asked yet, while the shift
    still lacks people (accepted and waiting fewer than wanted). Caller holds the call-out lock."""
    if shift.starts_at <= now:
        return None
    open_or_taken = callout.invitations.filter(
        shift=shift, state__in=(InvitationState.PENDING, InvitationState.ACCEPTED)
    ).count()
    if open_or_taken >= shift.wanted_people:
        return None
    proposal = _newest_proposal(callout)
    if proposal is None:
        return None
    asked = callout.invitations.filter(shift=shift).values("volunteer_id")
    busy = callout.invitations.filter(
        state__in=(InvitationState.PENDING, InvitationState.ACCEPTED)
    ).values("volunteer_id")
    line = (
        proposal.lines.filter(shift=shift, kind=LineKind.RESERVE)
        .exclude(volunteer_id__in=asked)
        .exclude(volunteer_id__in=busy)
        .select_related("volunteer__user")
        .order_by("rank", "id")
        .first()
    )
    if line is None or line.volunteer is None:
        return None
    return _invite(
        actor=None, callout=callout, shift=shift, volunteer=line.volunteer, rank=line.rank, now=now
    )


@dataclass(frozen=True)
class Answer:
    invitation: Invitation
    message: str


@transaction.atomic
def invitation_answer(
    *, invitation: Invitation, accept: bool, actor: Actor | None = None
) -> Answer:
    """The invited person's answer, from the signed link or their own page.

    Accepting puts them on the shift's roster through the activities service, under its row
    lock and with all its checks (room, overlaps, rest, eligibility); the sign-up is made in
    the name of the dispatcher who invited them, since the person may not see the shift's
    team. If the roster refuses, the invitation says why and the next reserve is asked.
    Declining is one tap and costs nothing (条例 Art 25); the next reserve is asked."""
    callout = CallOut.objects.select_for_update().get(pk=invitation.callout_id)
    row = (
        Invitation.objects.select_for_update()
        .select_related("shift__activity", "volunteer")
        .get(pk=invitation.pk)
    )
    if row.state != InvitationState.PENDING:
        raise ValidationError(
            _("This invitation has already been answered or has ended."), code="answered"
        )
    now = timezone.now()
    if row.expires_at <= now:
        raise ValidationError(_("This invitation has expired."), code="expired")
    row.answered_at = now
    message = ""
    if accept:
        try:
            with transaction.atomic():
                signup = signup_create(
                    actor=row.sent_by or callout.created_by,
                    shift=row.shift,
                    volunteer=row.volunteer,
                )
        except (ValidationError, PermissionDenied) as error:
            row.state = InvitationState.REFUSED
            message = "; ".join(getattr(error, "messages", [str(error)]))
            row.note = message[:NOTE_MAX]
        else:
            row.state = InvitationState.ACCEPTED
            row.signup = signup
            message = _("Thank you: you are on the roster.")
    else:
        row.state = InvitationState.DECLINED
        message = _("Thank you for answering; declining costs you nothing.")
    row.save(update_fields=["state", "answered_at", "signup", "note"])
    audit_record(
        actor=actor
        if actor is not None and actor.is_authenticated
        else f"volunteer {row.volunteer_id}",
        action=f"dispatch.{row.state}",
        obj=callout,
        changes={"invitation": [None, row.pk], "state": [InvitationState.PENDING, row.state]},
    )
    if row.state != InvitationState.ACCEPTED:
        _invite_next(callout=callout, shift=row.shift, now=now)
    return Answer(invitation=row, message=message)


def invitations_expire(*, now: datetime | None = None, limit: int = 500) -> int:
    """Invitations past their time: marked expired, and the next reserve asked. Safe to run
    twice or at once (a cron command and the task worker): each call-out is locked and each
    invitation re-read under it, so none is expired or followed up twice."""
    now = now or timezone.now()
    due = list(
        Invitation.objects.filter(state=InvitationState.PENDING, expires_at__lte=now)
        .order_by("expires_at", "id")
        .values_list("pk", "callout_id")[:limit]
    )
    done = 0
    for pk, callout_id in due:
        with transaction.atomic():
            callout = CallOut.objects.select_for_update().get(pk=callout_id)
            row = (
                Invitation.objects.select_for_update()
                .select_related("shift")
                .filter(pk=pk, state=InvitationState.PENDING)
                .first()
            )
            if row is None:
                continue
            row.state = InvitationState.EXPIRED
            row.save(update_fields=["state"])
            audit_record(
                actor=SYSTEM_NAME,
                action="dispatch.expired",
                obj=callout,
                changes={"invitation": [None, row.pk]},
            )
            _invite_next(callout=callout, shift=row.shift, now=now)
            done += 1
    return done


@transaction.atomic
def callout_close(*, actor: Actor | None, callout: CallOut) -> CallOut:
    """Stop the call-out: waiting invitations are withdrawn, nobody more is asked."""
    _require_dispatch(actor, callout)
    locked = CallOut.objects.select_for_update().get(pk=callout.pk)
    cancelled = locked.invitations.filter(state=InvitationState.PENDING).update(
        state=InvitationState.CANCELLED
    )
    before = locked.state
    locked.state = CallOutState.CLOSED
    locked.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="callout.close",
        obj=locked,
        changes={"state": [before, locked.state], "cancelled": [None, cancelled]},
    )
    return locked
