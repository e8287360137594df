"""Reads of selections: the scoped list, one selection, the pool a run starts from, and the
run itself (hard criteria, scores with their breakdown, posts filled exactly), which the
service freezes. Everything here reads; nothing writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from vetserve.core.access import CHANGE, VIEW, Actor, access_object, visible_to
from vetserve.people.models import Consent, Status, StatusChange, Volunteer
from vetserve.selection import criteria as crit
from vetserve.selection.assign import assign
from vetserve.selection.models import (
    PoolStatus,
    Selection,
    SelectionCandidate,
    SelectionPost,
)
from vetserve.skills.eligibility import Requirement, check_many
from vetserve.skills.selectors import (
    eligibility_facts,
    qualification_catalogue,
    requirement_build,
)


def selection_list(*, user: Actor | None, state: str = "") -> QuerySet[Selection]:
    """The selections the user may see, newest first (``state`` narrows)."""
    qs = visible_to(user, Selection, VIEW).select_related("organization")
    if state:
        qs = qs.filter(state=state)
    return qs


def access_selection(user: Actor | None, selection_id: Any, action: str = VIEW) -> Selection:
    return access_object(
        Selection.objects.select_related("organization", "region", "place_region"),
        user,
        action,
        pk=selection_id,
    )


def selection_posts(selection: Selection) -> list[SelectionPost]:
    return list(selection.posts.order_by("position", "id"))


def candidate_list(selection: Selection, outcome: str) -> QuerySet[SelectionCandidate]:
    """Picked (by rank) or reserve rows of a run, with what the shortlist shows of each."""
    return (
        selection.candidates.filter(outcome=outcome)
        .select_related("volunteer", "volunteer__home_org", "post")
        .order_by("rank", "id")
    )


def visible_volunteer_ids(user: Actor | None, ids: list[int]) -> set[int]:
    """Of ``ids``, the volunteers the viewer may open on the roster: their names are shown in
    full, the others masked, as the roster would show them (one query)."""
    return set(
        Volunteer.objects.visible_to(user, VIEW).filter(pk__in=ids).values_list("pk", flat=True)
    )


# --- the run ----------------------------------------------------------------------------------


def selection_pool(selection: Selection, actor: Actor | None) -> QuerySet[Volunteer]:
    """Who is considered at all: the runner's change scope (the volunteers they manage),
    current records only, narrowed by the selection's filters."""
    qs = Volunteer.objects.visible_to(actor, CHANGE).filter(
        erased_at__isnull=True, merged_into__isnull=True
    )
    if selection.pool_status == PoolStatus.ACTIVE_OR_APPLIED:
        qs = qs.filter(status__in=[Status.ACTIVE, Status.APPLIED])
    else:
        qs = qs.filter(status=Status.ACTIVE)
    if selection.pool_region_id is not None:
        low, high = selection.pool_region.id_range  # type: ignore[union-attr]
        qs = qs.filter(region_id__gte=low, region_id__lte=high)
    if selection.pool_organization_id is not None:
        path = selection.pool_organization.path  # type: ignore[union-attr]
        qs = qs.filter(home_org__path__startswith=path)
    if selection.keyword:
        qs = qs.filter(service_categories__icontains=selection.keyword)
    return qs


def _latest_consent(purpose: str) -> Subquery:
    return Subquery(
        Consent.objects.filter(volunteer=OuterRef("pk"), purpose=purpose)
        .order_by("-at", "-id")
        .values("granted")[:1]
    )


def selection_requirements(selection: Selection, posts: list[SelectionPost]) -> list[Requirement]:
    """One eligibility requirement per post: the selection's hard criteria and the post's own
    qualification (id = the post's index + 1)."""
    base = selection.requirement or {}
    groups = [list(g) for g in base.get("qualification_groups", [])]
    result = []
    for index, post in enumerate(posts):
        extra = [list(post.qualification_group)] if post.qualification_group else []
        result.append(
            requirement_build(
                id=index + 1,
                skills=base.get("skills", []),
                qualification_groups=groups + extra,
                verified_only=bool(base.get("verified_only", True)),
                min_age=selection.min_age,
                max_age=selection.max_age,
                health_within_days=base.get("health_within_days"),
            )
        )
    return result


@dataclass
class Scored:
    volunteer_id: int
    score: Decimal
    breakdown: list[dict[str, Any]]
    posts: frozenset[int]


@dataclass
class RunResult:
    """A run, before it is saved: counts at each stage, the ranked eligible people, who takes
    which post, the reserve, and the criteria as applied (with each one's range)."""

    pool_size: int
    excluded: dict[str, int]
    ranked: list[Scored]
    picked: dict[int, int]  # index into ranked -> post index
    reserve: list[int]  # indexes into ranked
    filled: tuple[int, ...]
    objective: int
    criteria: list[dict[str, Any]] = field(default_factory=list)


def _norm(value: float | None, low: float, high: float, higher_is_better: bool) -> float:
    if value is None:
        return 0.0
    if high == low:
        return 1.0
    share = (value - low) / (high - low)
    return share if higher_is_better else 1.0 - share


def selection_compute(selection: Selection, *, actor: Actor | None, at: datetime) -> RunResult:
    """Run the selection for ``actor`` as of ``at``: a fixed number of queries whatever the
    pool's size (the pool counted, the hard filters, three for the eligibility facts, three
    for the catalogue, one per weighted criterion)."""
    posts = selection_posts(selection)
    pool = selection_pool(selection, actor)
    pool_size = pool.count()
    excluded: dict[str, int] = {}
    # Hard criteria the database answers: no suspension lately, consents not withdrawn.
    if selection.suspension_free_days:
        since = at - timedelta(days=selection.suspension_free_days)
        suspended = StatusChange.objects.filter(to_status=Status.SUSPENDED, at__gte=since)
        pool = pool.exclude(pk__in=suspended.values("volunteer_id"))
    pool = pool.annotate(registration_consent=_latest_consent(Consent.Purpose.REGISTRATION))
    pool = pool.exclude(registration_consent=False)
    requirement = selection.requirement or {}
    if requirement.get("health_within_days"):
        # Health data is read only with its own consent (PIPL Art 28–29).
        pool = pool.annotate(health_consent=_latest_consent(Consent.Purpose.HEALTH)).filter(
            health_consent=True
        )
    facts = eligibility_facts(pool)
    excluded["suspension_or_consent"] = pool_size - len(facts)
    requirements = selection_requirements(selection, posts)
    result = check_many(facts, requirements, at, qualification_catalogue())
    eligible_posts: dict[int, set[int]] = {}
    for index, req in enumerate(requirements):
        for vid in result.eligible[req.id]:
            eligible_posts.setdefault(vid, set()).add(index)
    excluded["criteria"] = len(facts) - len(eligible_posts)
    # Weighted criteria over the eligible people.
    at_place = _place(selection)
    ctx = crit.Context(at=at, place=at_place)
    weights = {code: int(w) for code, w in (selection.weights or {}).items() if int(w) > 0}
    total_weight = sum(weights.values())
    applied: list[dict[str, Any]] = []
    values: dict[str, dict[int, float]] = {}
    for criterion in crit.CRITERIA:
        weight = weights.get(criterion.code, 0)
        if weight == 0:
            continue
        raw = criterion.load(pool, ctx)
        present = [raw[v] for v in eligible_posts if v in raw]
        low, high = (min(present), max(present)) if present else (0.0, 0.0)
        values[criterion.code] = raw
        applied.append(
            {
                **crit.describe(criterion.code),
                "weight": weight,
                "share": round(100 * weight / total_weight, 2),
                "min": low,
                "max": high,
            }
        )
    scored: list[Scored] = []
    for vid, post_set in eligible_posts.items():
        breakdown = []
        total = 0.0
        for item in applied:
            raw_value = values[item["code"]].get(vid)
            norm = _norm(raw_value, item["min"], item["max"], item["higher_is_better"])
            points = 100 * item["weight"] / total_weight * norm
            total += points
            breakdown.append(
                {
                    "code": item["code"],
                    "raw": raw_value,
                    "norm": round(norm, 4),
                    "weight": item["weight"],
                    "points": round(points, 2),
                }
            )
        score = Decimal(str(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        scored.append(Scored(vid, min(score, Decimal(100)), breakdown, frozenset(post_set)))
    # The stated tie rule: higher score first, then the smaller roster number.
    scored.sort(key=lambda s: (-s.score, s.volunteer_id))
    quotas = [post.quota for post in posts]
    seating = assign([s.posts for s in scored], quotas)
    reserve = [i for i in range(len(scored)) if i not in seating.post_of][: selection.reserve_size]
    return RunResult(
        pool_size=pool_size,
        excluded=excluded,
        ranked=scored,
        picked=seating.post_of,
        reserve=reserve,
        filled=seating.filled,
        objective=seating.objective,
        criteria=applied,
    )


def _place(selection: Selection) -> tuple[float, float] | None:
    region = selection.place_region
    if region is None:
        return None
    return crit.point_of(region.pk, region.code, region.level, crit.region_points())


def criteria_shown(selection: Selection) -> list[dict[str, Any]]:
    """The criteria as the run applied them (weights, shares, ranges are the record), their
    names in the viewer's language: the code is what was frozen, the label only its name."""
    known = crit.criteria_by_code()
    shown = []
    for item in selection.snapshot.get("criteria", []):
        criterion = known.get(item["code"])
        if criterion is not None:
            item = {**item, "label": str(criterion.label), "unit": str(criterion.unit)}
        shown.append(item)
    return shown


def weights_shown(selection: Selection) -> list[tuple[str, int]]:
    """The weights as defined, by name, those above 0."""
    known = crit.criteria_by_code()
    return [
        (str(known[code].label) if code in known else code, int(weight))
        for code, weight in (selection.weights or {}).items()
        if int(weight) > 0
    ]


def tie_rule_text() -> str:
    return _("Equal scores: the one registered earlier (smaller roster number) comes first.")
