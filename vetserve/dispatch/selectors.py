"""Reads of dispatch: call-outs in scope, one call-out's board (proposal, reserves, unfilled
seats, invitations, roster) in a fixed number of queries, availability, one's own invitations."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from vetserve.activities.models import Shift, SignUp, SignUpState
from vetserve.core.access import VIEW, Actor, access_object, visible_to
from vetserve.dispatch import pattern
from vetserve.dispatch.models import (
    Availability,
    CallOut,
    Invitation,
    InvitationState,
    LineKind,
    Proposal,
    ProposalLine,
    Unavailability,
)
from vetserve.dispatch.problem import county_centres
from vetserve.dispatch.tokens import unsign
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_own
from vetserve.regions.locator import Layout, locator_layout
from vetserve.regions.models import Level, Region


def callout_list(*, user: Actor | None) -> QuerySet[CallOut]:
    return (
        visible_to(user, CallOut, VIEW)
        .select_related("region", "organization")
        .order_by("-created_at", "-id")
    )


def access_callout(user: Actor | None, callout_id: Any, action: str = VIEW) -> CallOut:
    return access_object(
        CallOut.objects.select_related("activity", "region", "organization"),
        user,
        action,
        pk=callout_id,
    )


def access_line(user: Actor | None, line_id: Any) -> ProposalLine:
    return access_object(
        ProposalLine.objects.select_related("proposal__callout"), user, VIEW, pk=line_id
    )


def newest_proposal(callout: CallOut) -> Proposal | None:
    return callout.proposals.select_related("run_by").order_by("-run_at", "-id").first()


@dataclass
class ShiftBoard:
    """One shift of a call-out as its review page shows it."""

    shift: Shift
    assigned: list[ProposalLine] = field(default_factory=list)
    reserves: list[ProposalLine] = field(default_factory=list)
    removed: list[ProposalLine] = field(default_factory=list)
    unfilled: list[ProposalLine] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    confirmed: int = 0

    @property
    def missing(self) -> int:
        return sum(line.missing for line in self.unfilled)

    @property
    def pending(self) -> int:
        return sum(1 for i in self.invitations if i.state == InvitationState.PENDING)

    @property
    def short(self) -> int:
        """Seats below the minimum on the roster right now."""
        return max(0, self.shift.min_people - self.confirmed)


@dataclass
class MapPerson:
    name: str
    x: float
    y: float
    r: float
    count: int


@dataclass
class Board:
    callout: CallOut
    proposal: Proposal | None
    shifts: list[ShiftBoard]
    layout: Layout | None
    people_marks: list[MapPerson]
    counts: dict[str, int]
    total_wanted: int = 0
    total_confirmed: int = 0


def callout_board(callout: CallOut, shifts: list[Shift] | None = None) -> Board:
    """Everything the review page shows for ``shifts`` (a page of the call-out's shifts; all
    of them when None), in a fixed number of queries whatever the number of people."""
    if shifts is None:
        shifts = list(callout.shifts.order_by("starts_at", "id"))
    boards = {s.pk: ShiftBoard(shift=s) for s in shifts}
    proposal = newest_proposal(callout)
    counties_of_people: dict[str, int] = defaultdict(int)
    if proposal is not None:
        lines = (
            proposal.lines.filter(shift_id__in=list(boards))
            .select_related("volunteer")
            .order_by("shift_id", "kind", "rank", "id")
        )
        for line in lines:
            board = boards[line.shift_id]
            if line.kind == LineKind.ASSIGNED:
                board.assigned.append(line)
            elif line.kind == LineKind.RESERVE:
                board.reserves.append(line)
            elif line.kind == LineKind.REMOVED:
                board.removed.append(line)
            else:
                board.unfilled.append(line)
        # Where the proposed people live, by county, over the whole proposal: one GROUP BY.
        # A region id is its code padded to 12 digits, so its first six digits are the county.
        for region_id, n in (
            proposal.lines.filter(kind=LineKind.ASSIGNED)
            .values("volunteer__residence_region_id")
            .annotate(n=Count("id"))
            .values_list("volunteer__residence_region_id", "n")
        ):
            counties_of_people[str(region_id)[:6]] += n
    invitations = (
        callout.invitations.filter(shift_id__in=list(boards))
        .select_related("volunteer")
        .order_by("shift_id", "sent_at", "id")
    )
    for invitation in invitations:
        boards[invitation.shift_id].invitations.append(invitation)
    for shift_id, n in (
        Shift.objects.filter(pk__in=list(boards))
        .annotate(n=Count("signups", filter=Q(signups__state=SignUpState.CONFIRMED)))
        .values_list("pk", "n")
    ):
        boards[shift_id].confirmed = n
    counts = dict(
        callout.invitations.values("state").annotate(n=Count("id")).values_list("state", "n")
    )
    # Two queries, not one: summing seats over a join with the sign-ups would count each
    # shift's seats once per person on it.
    wanted = callout.shifts.aggregate(n=Sum("wanted_people"))["n"]
    confirmed = SignUp.objects.filter(
        shift__in=callout.shifts.values("pk"), state=SignUpState.CONFIRMED
    ).count()
    layout, people = _map(callout, counties_of_people)
    return Board(
        callout=callout,
        proposal=proposal,
        shifts=list(boards.values()),
        layout=layout,
        people_marks=people,
        counts=counts,
        total_wanted=int(wanted or 0),
        total_confirmed=confirmed,
    )


def _map(callout: CallOut, people: dict[str, int]) -> tuple[Layout | None, list[MapPerson]]:
    """The place among the county centres, and a disc per county sized by how many proposed
    people live there (homes are known to the county centre: the divisions data places no
    township)."""
    centres = county_centres()
    names = dict(
        Region.objects.filter(level=Level.COUNTY, code__in=list(centres)).values_list(
            "code", "name"
        )
    )
    activity = callout.activity
    county = callout.region.code[:6]
    if activity.lon is not None and activity.lat is not None:
        point = (float(activity.lon), float(activity.lat))
    elif county in centres:
        point = centres[county]
    else:
        return None, []
    layout = locator_layout(
        point,
        [(names.get(code, code), lon, lat) for code, (lon, lat) in sorted(centres.items())],
        here=names.get(county, ""),
    )
    if layout is None:
        return None, []
    by_name = {m.name: m for m in layout.marks}
    marks = []
    for code, count in sorted(people.items()):
        mark = by_name.get(names.get(code, ""))
        if mark is not None:
            marks.append(
                MapPerson(
                    name=mark.name,
                    x=mark.x,
                    y=mark.y,
                    r=round(4 + 3 * math.sqrt(count), 1),
                    count=count,
                )
            )
    return layout, marks


# --- availability --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AvailabilityView:
    weekly_mask: int
    emergency_reachable: bool
    declared: bool
    periods: list[Unavailability]

    def has(self, weekday: int, part: int) -> bool:
        return bool(self.weekly_mask & pattern.bit(weekday, part))


def availability_of(volunteer: Volunteer) -> AvailabilityView:
    row = Availability.objects.filter(volunteer=volunteer).first()
    periods = list(
        Unavailability.objects.filter(volunteer=volunteer, ends_at__gt=timezone.now()).order_by(
            "starts_at", "id"
        )[:50]
    )
    if row is None:
        return AvailabilityView(pattern.ALL_WEEK, False, False, periods)
    return AvailabilityView(row.weekly_mask, row.emergency_reachable, True, periods)


def access_period(user: Actor | None, period_id: Any) -> Unavailability:
    return access_object(
        Unavailability.objects.select_related("volunteer"), user, VIEW, pk=period_id
    )


def own_period(user: Actor | None, period_id: Any) -> Unavailability | None:
    own = volunteer_own(user=user)
    if own is None:
        return None
    return (
        Unavailability.objects.select_related("volunteer")
        .filter(pk=period_id, volunteer=own)
        .first()
    )


# --- invitations -------------------------------------------------------------------------------


def invitation_by_code(code: str) -> Invitation | None:
    """The invitation a signed link names; None for a forged or unknown one."""
    token = unsign(code)
    if token is None:
        return None
    return (
        Invitation.objects.select_related("shift__activity", "callout", "volunteer")
        .filter(token=token)
        .first()
    )


def my_invitations(*, user: Actor | None) -> QuerySet[Invitation]:
    own = volunteer_own(user=user)
    if own is None:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(volunteer=own)
        .select_related("shift__activity", "callout")
        .order_by("-sent_at", "-id")
    )


def access_my_invitation(user: Actor | None, invitation_id: Any) -> Invitation:
    from django.http import Http404

    try:
        return my_invitations(user=user).get(pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
