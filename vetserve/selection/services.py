"""Every write of selections: defining one, running it (its result frozen), approving or
rejecting it (never by the person who ran it), and logging each export of a decided one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.audit.services import audit_record
from vetserve.core.access import Actor, may_approve_selection, may_run_selection
from vetserve.orgs.models import Organization
from vetserve.regions.models import Region
from vetserve.selection import criteria as crit
from vetserve.selection.models import (
    AGES,
    KEYWORD_MAX,
    NAME_MAX,
    NOTE_MAX,
    PICKS_MAX,
    POST_NAME_MAX,
    POSTS_MAX,
    QUOTA,
    REASON_MAX,
    RESERVE,
    SUSPENSION_DAYS,
    WEIGHTS,
    Outcome,
    PoolStatus,
    Selection,
    SelectionCandidate,
    SelectionPost,
    State,
)
from vetserve.selection.selectors import selection_compute, selection_posts, tie_rule_text
from vetserve.skills.models import QualificationType
from vetserve.skills.selectors import requirement_build

HEALTH_DAYS_MAX = 3650


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None


def _name_of(actor: Actor | None) -> str:
    user = _user(actor)
    return (user.display_name or user.get_username()) if user else ""


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")}, code="required")
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters.") % {"limit": limit}}, code="too_long"
        )
    return text


def _check_posts(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not posts:
        raise ValidationError({"posts": _("Give at least one post and its quota.")}, code="posts")
    if len(posts) > POSTS_MAX:
        raise ValidationError(
            {"posts": _("At most %(limit)d posts.") % {"limit": POSTS_MAX}}, code="posts"
        )
    known_types = set(QualificationType.objects.values_list("pk", flat=True))
    clean: list[dict[str, Any]] = []
    names: set[str] = set()
    for post in posts:
        name = _text(str(post.get("name", "")), "posts", POST_NAME_MAX, required=True)
        if name in names:
            raise ValidationError(
                {"posts": _("Two posts are both called “%(name)s”.") % {"name": name}},
                code="posts",
            )
        names.add(name)
        quota = post.get("quota")
        if not isinstance(quota, int) or quota not in QUOTA:
            raise ValidationError({"posts": QUOTA.message()}, code="quota")
        group = sorted({int(t) for t in post.get("qualification_group") or []})
        if not set(group) <= known_types:
            raise ValidationError(
                {"posts": _("Choose qualifications from the catalogue.")}, code="qualification"
            )
        clean.append({"name": name, "quota": quota, "qualification_group": group})
    if sum(p["quota"] for p in clean) > PICKS_MAX:
        raise ValidationError(
            {"posts": _("At most %(limit)d people in all.") % {"limit": PICKS_MAX}}, code="posts"
        )
    return clean


def _check_weights(weights: dict[str, int], place: Region | None) -> dict[str, int]:
    known = crit.criteria_by_code()
    clean: dict[str, int] = {}
    for code, weight in weights.items():
        criterion = known.get(code)
        if criterion is None:
            raise ValidationError(
                {"weights": _("Unknown criterion “%(code)s”.") % {"code": code}}, code="weights"
            )
        if not isinstance(weight, int) or weight not in WEIGHTS:
            raise ValidationError({"weights": WEIGHTS.message()}, code="weights")
        if weight and criterion.needs_place and place is None:
            raise ValidationError(
                {"place_region": _("Choose the place the distance is measured to.")},
                code="place",
            )
        clean[code] = weight
    if not any(clean.values()):
        raise ValidationError(
            {"weights": _("Give at least one criterion a weight above 0.")}, code="weights"
        )
    return clean


@transaction.atomic
def selection_create(
    *,
    actor: Actor | None,
    organization: Organization,
    name: str,
    posts: list[dict[str, Any]],
    weights: dict[str, int],
    purpose: str = "",
    pool_region: Region | None = None,
    pool_organization: Organization | None = None,
    keyword: str = "",
    pool_status: str = PoolStatus.ACTIVE,
    qualification_group: list[int] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    health_within_days: int | None = None,
    suspension_free_days: int = 365,
    place_region: Region | None = None,
    reserve_size: int = 10,
) -> Selection:
    """Define a selection for ``organization``: refused unless the actor may run selections
    for it; every value bounded, with the limit said in words."""
    if not may_run_selection(actor, organization):
        raise PermissionDenied(_("You may not run selections for this organization."))
    name = _text(name, "name", NAME_MAX, required=True)
    purpose = _text(purpose, "purpose", NOTE_MAX)
    keyword = _text(keyword, "keyword", KEYWORD_MAX)
    if pool_status not in PoolStatus.values:
        raise ValidationError({"pool_status": _("Choose whom to consider.")}, code="status")
    for field, age in (("min_age", min_age), ("max_age", max_age)):
        if age is not None and age not in AGES:
            raise ValidationError({field: AGES.message()}, code="age")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValidationError(
            {"max_age": _("The maximum age must not be below the minimum age.")}, code="age"
        )
    if health_within_days is not None and not 1 <= health_within_days <= HEALTH_DAYS_MAX:
        raise ValidationError(
            {"health_within_days": _("Between 1 and %(limit)d days.") % {"limit": HEALTH_DAYS_MAX}},
            code="health",
        )
    if suspension_free_days not in SUSPENSION_DAYS:
        raise ValidationError({"suspension_free_days": SUSPENSION_DAYS.message()}, code="days")
    if reserve_size not in RESERVE:
        raise ValidationError({"reserve_size": RESERVE.message()}, code="reserve")
    clean_posts = _check_posts(posts)
    clean_weights = _check_weights(weights, place_region)
    group = sorted({int(t) for t in qualification_group or []})
    if not set(group) <= set(QualificationType.objects.values_list("pk", flat=True)):
        raise ValidationError(
            {"qualification_group": _("Choose qualifications from the catalogue.")},
            code="qualification",
        )
    # The eligibility core's own builder checks the requirement's shape once more.
    requirement_build(
        qualification_groups=[group] if group else [],
        min_age=min_age,
        max_age=max_age,
        health_within_days=health_within_days,
    )
    requirement: dict[str, Any] = {"verified_only": True}
    if group:
        requirement["qualification_groups"] = [group]
    if health_within_days:
        requirement["health_within_days"] = health_within_days
    selection = Selection.objects.create(
        name=name,
        purpose=purpose,
        organization=organization,
        region_id=organization.region_id,
        pool_region=pool_region,
        pool_organization=pool_organization,
        keyword=keyword,
        pool_status=pool_status,
        requirement=requirement,
        min_age=min_age,
        max_age=max_age,
        suspension_free_days=suspension_free_days,
        weights=clean_weights,
        place_region=place_region,
        reserve_size=reserve_size,
        created_by=_user(actor),
        created_at=timezone.now(),
    )
    SelectionPost.objects.bulk_create(
        [
            SelectionPost(selection=selection, position=i + 1, **post)
            for i, post in enumerate(clean_posts)
        ]
    )
    audit_record(
        actor=actor,
        action="selection.create",
        obj=selection,
        object_repr=selection.name,
        changes={
            "posts": [None, [[p["name"], p["quota"]] for p in clean_posts]],
            "weights": [None, clean_weights],
        },
    )
    return selection


def _locked(selection: Selection) -> Selection:
    # `of=("self",)`: PostgreSQL refuses FOR UPDATE over the nullable joins of select_related.
    return (
        Selection.objects.select_for_update(of=("self",))
        .select_related(
            "organization", "region", "place_region", "pool_region", "pool_organization"
        )
        .get(pk=selection.pk)
    )


@transaction.atomic
def selection_run(*, actor: Actor | None, selection: Selection) -> Selection:
    """Run (or run again, while undecided): score the pool, fill the posts exactly, keep the
    reserve, and freeze it all. A decided selection is never run again."""
    if not may_run_selection(actor, selection.organization):
        raise PermissionDenied(_("You may not run selections for this organization."))
    fresh = _locked(selection)
    if fresh.is_decided:
        raise ValidationError(
            _("This selection has been decided; its result no longer changes."), code="decided"
        )
    now = timezone.now()
    posts = selection_posts(fresh)
    result = selection_compute(fresh, actor=actor, at=now)
    fresh.candidates.all().delete()
    rows = []
    for index, post_index in sorted(result.picked.items()):
        s = result.ranked[index]
        rows.append(
            SelectionCandidate(
                selection=fresh,
                volunteer_id=s.volunteer_id,
                outcome=Outcome.PICKED,
                post=posts[post_index],
                rank=index + 1,
                score=s.score,
                breakdown=s.breakdown,
                eligible_posts=sorted(posts[p].pk for p in s.posts),
            )
        )
    for index in result.reserve:
        s = result.ranked[index]
        rows.append(
            SelectionCandidate(
                selection=fresh,
                volunteer_id=s.volunteer_id,
                outcome=Outcome.RESERVE,
                rank=index + 1,
                score=s.score,
                breakdown=s.breakdown,
                eligible_posts=sorted(posts[p].pk for p in s.posts),
            )
        )
    SelectionCandidate.objects.bulk_create(rows, batch_size=500)
    for post, filled in zip(posts, result.filled, strict=True):
        post.filled = filled
    SelectionPost.objects.bulk_update(posts, ["filled"])
    fresh.snapshot = {
        "at": now.isoformat(),
        "criteria": result.criteria,
        "posts": [
            {
                "id": p.pk,
                "name": p.name,
                "quota": p.quota,
                "filled": p.filled,
                "qualification_group": p.qualification_group,
            }
            for p in posts
        ],
        "hard": {
            "min_age": fresh.min_age,
            "max_age": fresh.max_age,
            "suspension_free_days": fresh.suspension_free_days,
            "requirement": fresh.requirement,
        },
        "excluded": result.excluded,
        "eligible": len(result.ranked),
        "objective": result.objective,
        # The rule in force (a code: the text is shown in the viewer's language).
        "tie_rule_code": "registered_first",
        "tie_rule": tie_rule_text(),
    }
    fresh.pool_size = result.pool_size
    fresh.eligible_size = len(result.ranked)
    fresh.state = State.PROPOSED
    fresh.run_by = _user(actor)
    fresh.run_by_name = _name_of(actor)
    fresh.run_at = now
    fresh.save(
        update_fields=[
            "snapshot", "pool_size", "eligible_size", "state", "run_by", "run_by_name", "run_at",
        ]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="selection.run",
        obj=fresh,
        object_repr=fresh.name,
        changes={
            "picked": [None, len(result.picked)],
            "eligible": [None, len(result.ranked)],
            "pool": [None, result.pool_size],
        },
    )
    return fresh


@transaction.atomic
def selection_decide(
    *, actor: Actor | None, selection: Selection, approve: bool, reason: str = ""
) -> Selection:
    """Approve or reject a run selection: a second person (``may_approve_selection``), a
    reason to reject. The decision closes the selection: its result is the record."""
    fresh = _locked(selection)
    if not may_approve_selection(actor, fresh):
        raise PermissionDenied(
            _("A selection is decided by an administrator other than the person who ran it.")
        )
    if fresh.state != State.PROPOSED:
        raise ValidationError(
            _("Only a run selection awaiting approval can be decided."), code="state"
        )
    text = _text(reason, "reason", REASON_MAX, required=not approve)
    fresh.state = State.APPROVED if approve else State.REJECTED
    fresh.decided_by = _user(actor)
    fresh.decided_by_name = _name_of(actor)
    fresh.decided_at = timezone.now()
    fresh.decision_reason = text
    fresh.save(
        update_fields=["state", "decided_by", "decided_by_name", "decided_at", "decision_reason"]
    )
    audit_record(
        actor=actor,
        action="selection.approve" if approve else "selection.reject",
        obj=fresh,
        object_repr=fresh.name,
        changes={"state": [State.PROPOSED.value, fresh.state]},
        reason=text,
    )
    return fresh


def selection_export_record(*, actor: Actor | None, selection: Selection, rows: int) -> None:
    """Log each export of a decided selection: it lists people (PIPL Art 51)."""
    audit_record(
        actor=actor,
        action="selection.export",
        obj=selection,
        object_repr=selection.name,
        changes={"rows": [None, rows]},
    )
