"""The engine's data: what a dispatch asks (Problem) and what it gets back (Proposal).

Plain frozen dataclasses, no Django: the Django side of ``vetserve.dispatch`` builds a Problem
from the database and saves the Proposal. Times are timezone-aware datetimes, ids are ints.

Eligibility is not recomputed here: the caller passes, per candidate, the shift ids the candidate
is eligible for (``vetserve.skills.eligibility``, the one eligibility check) and available for
(the availability declarations). The engine decides only who goes where, and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Place:
    """A point with the region codes it lies in: township (9 digits) and county (6 digits)."""

    lat: float
    lon: float
    township: str
    county: str


@dataclass(frozen=True, slots=True)
class Interval:
    """A span of time a person is already committed to (an existing shift)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class ShiftRequest:
    """One shift to staff: seats from ``minimum`` (must) over ``wanted`` (should) to ``maximum``.

    ``priority`` (0–9) decides between shifts competing for the same scarce people: a higher one's
    minimum is filled first. ``skill_levels`` are wanted skill codes with a minimum level; higher
    levels are preferred (eligibility itself is the caller's). ``keep_teams_together`` asks that
    a team sent there goes as a whole.
    """

    id: int
    start: datetime
    end: datetime
    place: Place
    minimum: int
    wanted: int
    maximum: int
    priority: int = 0
    skill_levels: tuple[tuple[str, int], ...] = ()
    keep_teams_together: bool = False
    label: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person who might be sent: where they live, what they may and can do, what they did lately.

    ``eligible`` and ``available`` are shift ids; only shifts in both are considered. ``busy`` are
    shifts already taken (outside this problem) that count for overlaps and rest limits.
    ``recent_minutes`` is the service in the fairness window (e.g. the last 30 days).
    ``label`` is a display name, used in nothing but messages.
    """

    id: int
    home: Place
    eligible: frozenset[int]
    available: frozenset[int]
    busy: tuple[Interval, ...] = ()
    recent_minutes: int = 0
    team: int | None = None
    skills: tuple[tuple[str, int], ...] = ()
    label: str = ""


@dataclass(frozen=True, slots=True)
class Limits:
    """Rest limits per person, counting busy intervals too.

    A shift's minutes count on the calendar day and ISO week of its start (in its own time zone).
    ``max_km``: nobody farther than this from the shift is considered (None: no limit).
    """

    max_minutes_per_day: int = 600
    max_minutes_per_week: int = 2400
    min_rest_minutes: int = 480
    max_km: float | None = None


@dataclass(frozen=True, slots=True)
class Weights:
    """Integer costs of sending someone; lower is better. The defaults are settings, not laws.

    Locality (属地优先): ``township`` < ``county`` < ``neighbour`` < ``elsewhere`` per person sent,
    plus ``per_km`` per kilometre from home. Fair rotation: ``fairness`` per hour of recent service,
    and per 8 hours for each shift already given to the same person in this proposal (so the cost
    of a person's k-th shift grows: convex). ``skill`` per level missing below the top level, for
    each wanted skill (levels run 1 to ``top_skill_level``; none counts as 0). ``team`` per
    available team member left behind when part of a team is sent to a shift that keeps teams
    together.

    Seats are worth more than any person costs: ``minimum_seat`` dominates ``wanted_seat`` (both
    times 1 + priority), which dominates every cost, so a minimum is never given up for a cheaper
    staffing. ``extra_seat`` is the value of a seat beyond ``wanted`` (up to ``maximum``); at 0 the
    proposal stops at ``wanted`` and the rest are reserves.
    """

    township: int = 0
    county: int = 200
    neighbour: int = 600
    elsewhere: int = 2000
    per_km: int = 4
    fairness: int = 3
    skill: int = 20
    team: int = 50
    minimum_seat: int = 10_000_000
    wanted_seat: int = 100_000
    extra_seat: int = 0
    top_skill_level: int = 3


def _no_neighbours() -> Mapping[str, frozenset[str]]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Problem:
    """Shifts to staff and the people who might staff them.

    ``neighbours``: county code -> neighbouring county codes. ``widen``: may people from beyond the
    shift's county and its neighbours be used (the proposal then lists the shift in ``widened``).
    ``time_limit_s`` bounds the search; the best staffing found is returned with its proven gap.
    """

    shifts: tuple[ShiftRequest, ...]
    candidates: tuple[Candidate, ...]
    neighbours: Mapping[str, frozenset[str]] = field(default_factory=_no_neighbours)
    limits: Limits = field(default_factory=Limits)
    weights: Weights = field(default_factory=Weights)
    reserve_size: int = 5
    time_limit_s: float = 10.0
    widen: bool = True


ReasonValue = float | int | str | tuple[str, int] | None


@dataclass(frozen=True, slots=True)
class Reason:
    """One structured reason; ``vetserve/dispatch/reasons.py`` turns it into words.

    Codes for a person: same_township, same_county, neighbour_county, elsewhere, distance_km (km),
    eligible, recent_hours (hours), skill_level ((code, level)), team_together (team id),
    assigned_elsewhere. Counts for an unfilled shift (value = how many people): not_eligible,
    not_available, busy, rest_limit, too_far, assigned_elsewhere, no_candidates.
    """

    code: str
    value: ReasonValue = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """A person proposed for a shift, the reasons, and what it costs in the objective."""

    shift_id: int
    candidate_id: int
    reasons: tuple[Reason, ...]
    cost: int


@dataclass(frozen=True, slots=True)
class Reserve:
    """The next person to ask for a shift if someone declines (rank 1 first)."""

    shift_id: int
    candidate_id: int
    rank: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Unfilled:
    """A shift left below its minimum: how many are missing, and why (counts of people)."""

    shift_id: int
    missing: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Proposal:
    """The engine's answer.

    ``status``: "optimal"; "feasible" (time limit hit; ``objective - bound`` is the proven gap);
    "infeasible" (nothing could be proposed). ``objective`` is the total cost (seats count
    negative), ``bound`` a proven lower bound on it. ``widened``: shift ids that took people from
    beyond their county and its neighbours.
    """

    assignments: tuple[Assignment, ...]
    reserves: tuple[Reserve, ...]
    unfilled: tuple[Unfilled, ...]
    objective: int
    bound: int
    status: str
    widened: tuple[int, ...]
    solve_ms: int
