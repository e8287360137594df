"""Who may see and change what: the one access module.

Every decision about protected data is made here and nowhere else (docs/decisions/0003):

- lists: ``visible_to(actor, Model, action)`` (or ``Model.objects.visible_to(actor, action)``,
  the same door on a queryset) — the rows a person may reach;
- one object: ``access_object(queryset, actor, action, **lookup)`` behind the ``access_<thing>``
  selectors of each app — the object, or ``Http404`` alike for "not yours" and "does not
  exist", so an outsider learns nothing from the difference;
- single decisions: the ``may_<verb>(actor, obj)`` predicates below.

A person's rights come from their grants. This module knows no app: what a grant reaches is
computed by the accounts app (``accounts/scope.py``) and installed here at start-up
(``install_scope_resolver``); objects are read by the fields the models declare
(``scope_region_field``, ``scope_org_field`` …) or, in the predicates, by duck typing. Scopes are
cached on the user object for one request; ``forget(user)`` drops every cache and is called by
every change of grants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from vetserve.core.places import ids_above_range

if TYPE_CHECKING:
    from vetserve.accounts.models import User

VIEW = "view"
CHANGE = "change"
AUDIT = "audit"
ACTIONS = (VIEW, CHANGE, AUDIT)

# The permission that, inside the change scope, lets a person who administers no region (a team
# leader) see full ID and phone numbers; region administrators hold it by role.
REVEAL_PERMISSION = "people.reveal_personal_data"

M = TypeVar("M", bound=models.Model)


class Actor(Protocol):
    """Who is acting: a logged-in user or the anonymous user of a request (``accounts.User``
    and Django's ``AnonymousUser`` both are one). Functions here also take None: the system
    itself (the demo builder, a scheduled task), which reaches nothing through a scope."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def is_authenticated(self) -> bool: ...

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


@dataclass(frozen=True)
class Scope:
    """What one user may reach for one action, as ranges and paths a query can use."""

    everything: bool = False
    # Region-id ranges (a granted region and everything under it).
    region_ranges: tuple[tuple[int, int], ...] = ()
    # Single regions visible without their subtree: the units above a grant, for breadcrumbs.
    region_ids: frozenset[int] = field(default_factory=frozenset)
    # Organization path prefixes (a led organization and its sub-organizations).
    org_paths: tuple[str, ...] = ()
    # Single organizations (a volunteer's own team).
    org_ids: frozenset[int] = field(default_factory=frozenset)
    # The user themself, for rows about them (their own volunteer record); view only.
    self_user_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.region_ranges
            or self.region_ids
            or self.org_paths
            or self.org_ids
            or self.self_user_id is not None
        )

    def covers_region(self, region_id: int) -> bool:
        """True when the region lies inside a granted subtree (not merely above one)."""
        return self.everything or any(lo <= region_id <= hi for lo, hi in self.region_ranges)

    def covers_org(self, *, org_id: int, org_path: str, region_id: int) -> bool:
        return (
            self.covers_region(region_id)
            or org_id in self.org_ids
            or any(org_path.startswith(p) for p in self.org_paths)
        )

    def regions_above_ranges(self) -> frozenset[int]:
        """The units above the granted region subtrees (not those above a team's region)."""
        return frozenset(
            region_id
            for low, high in self.region_ranges
            for region_id in ids_above_range(low, high)
        )

    def q_for(self, model: type[models.Model]) -> Q:
        """A filter selecting the rows of ``model`` this scope reaches.

        Region ranges on the row's own region column are plain comparisons an index serves.
        Reaching rows through organizations (led subtrees, own teams, memberships, the user's
        own rows) needs joins; OR-ed together with joins, PostgreSQL can use no index and
        scans every row of the list's order (3 s for a leader's 48 volunteers among 51,730,
        bench/pages.py). So when a scope has such parts and more than one part, each part
        becomes its own ``SELECT pk`` and the filter is ``pk IN (… UNION ALL …)``: each
        branch uses its index, and the list sorts only what the scope reaches (1 ms). Region
        ranges on the row's own column are OR-ed beside it, not inside it (issue 14).
        """
        direct: list[Q] = []  # region ranges: index-friendly as they are
        joined: list[Q] = []
        region_field: str | None = getattr(model, "scope_region_field", None)
        org_field: str | None = getattr(model, "scope_org_field", None)
        if region_field is not None:
            # Through a foreign key (a shift's activity__region_id) the range is still a
            # condition on the row's own column: ``activity_id IN (SELECT id FROM activity
            # WHERE region …)``, not a branch of the union (which hashed every shift in scope).
            target = direct
            for low, high in self.region_ranges:
                target.append(_own_column(model, region_field, gte=low, lte=high))
            if self.region_ids and getattr(model, "scope_ancestors_visible", False):
                target.append(_own_column(model, region_field, **{"in": sorted(self.region_ids)}))
            elif self.region_ids and getattr(model, "scope_above_region_grants_visible", False):
                # Rows placed in a unit above a region grant (a city-wide campaign seen by a
                # county or township administrator): only above *region* grants, and only for
                # viewing (``region_ids`` is empty for other actions), so a team leader's or a
                # volunteer's grant opens nothing more, and nobody changes what is above them.
                above = self.region_ids & self.regions_above_ranges()
                if above:
                    target.append(_own_column(model, region_field, **{"in": sorted(above)}))
        if org_field is not None:
            path = f"{org_field}__path" if org_field else "path"
            ident = f"{org_field}_id" if org_field else "pk"
            for prefix in self.org_paths:
                joined.append(Q(**{f"{path}__startswith": prefix}))
            if self.org_ids and getattr(model, "scope_member_orgs_visible", True):
                joined.append(Q(**{f"{ident}__in": sorted(self.org_ids)}))
        extra = getattr(model, "scope_extra_q", None)
        if extra is not None:
            joined.append(extra(self))
        self_field: str | None = getattr(model, "scope_self_field", None)
        if self_field is not None and self.self_user_id is not None:
            # The row's own user column is a plain comparison too (the volunteer's user_id):
            # beside a region range, PostgreSQL then estimates the scope from both indexes
            # instead of guessing half the table for an OR with a subquery.
            # Without a region range beside it, though, the comparison OR-ed with the union
            # makes PostgreSQL guess half the table (a leader's 48 volunteers: 25,766 badges
            # hashed and sorted, 118 ms); as one more branch of the union the guess is the
            # branches' sum and the list probes its rows by index (issue 14).
            own_column = "__" not in self_field and bool(direct)
            target = direct if own_column else joined
            target.append(Q(**{self_field: self.self_user_id}))
        parts = direct + joined
        if not parts:
            return Q(pk__in=[])
        if not joined or len(parts) == 1:
            q = parts[0]
            for part in parts[1:]:
                q |= part
            return q
        rows = model._base_manager.order_by()
        branches = [rows.filter(part).values("pk") for part in joined]
        reached = Q(
            pk__in=branches[0].union(*branches[1:], all=True) if joined[1:] else branches[0]
        )
        # Region ranges stay plain comparisons beside the subquery: inside the UNION the
        # planner guessed 200 rows for a city's 788,332 stays, hashed them all and sorted
        # every stay (7 s for a page of /api/v1/attendance); OR-ed outside, it walks the
        # list's order index and stops after a page.
        for part in direct:
            reached |= part
        return reached


def _own_column(model: type[models.Model], path: str, **lookups: Any) -> Q:
    """``path``'s ``lookups`` as a condition on ``model``'s own row: a field of the row, or
    through a foreign key ``EXISTS (SELECT … FROM related WHERE related.pk = row.fk AND …)``.
    Beside other parts of a scope (an OR), PostgreSQL chooses per query between probing the
    related row for each row (a volunteer's 15 sign-ups: 0.1 ms) and hashing the related
    rows once (a count over every sign-up); an ``IN`` under an OR always hashed them all
    (99,160 shifts, ~100 ms, for the 15)."""
    head, _, rest = path.partition("__")
    if not rest:
        return Q(**{f"{path}__{lookup}": value for lookup, value in lookups.items()})
    related = model._meta.get_field(head).related_model
    assert isinstance(related, type)  # a foreign key's target model
    inner = related._base_manager.order_by().filter(
        pk=OuterRef(head), **{f"{rest}__{lookup}": value for lookup, value in lookups.items()}
    )
    return Q(Exists(inner))


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


# --- a person's scope ---------------------------------------------------------------------------


class ScopeResolver(Protocol):
    def __call__(self, user: User, action: str) -> Scope: ...


def _no_grants(user: User, action: str) -> Scope:
    return NOTHING


# Until accounts installs its resolver (the apps are not ready yet), grants reach nothing.
_resolver: ScopeResolver = _no_grants


def install_scope_resolver(resolver: ScopeResolver) -> None:
    """Set what turns an active, non-superuser user's grants into a scope (accounts does, when
    the apps are ready); without one, such users reach nothing."""
    global _resolver
    _resolver = resolver


_SCOPES = "_vetserve_scopes"
# Every cache of a user's rights, here and in the resolver: forget() drops them all.
CACHES = (_SCOPES, "_vetserve_grant_rows", "_vetserve_grants")


def scope_for(actor: Actor | None, action: str = VIEW) -> Scope:
    """The scope of ``actor`` for ``action``; computed once per user object (one request).

    Only this module and the resolver call it: everything else asks a question below."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return NOTHING
    if actor.is_superuser:
        return EVERYTHING
    cache: dict[str, Scope] = actor.__dict__.setdefault(_SCOPES, {})
    if action not in cache:
        # Active, logged in and no superuser: a row of the user model.
        user: User = actor  # type: ignore[assignment]
        cache[action] = _resolver(user, action)
    return cache[action]


def forget(user: Actor | None) -> None:
    """Drop everything cached about the user's rights: every change of grants calls this, so a
    grant made earlier in the same request is seen at once."""
    targets = [user, getattr(user, "_wrapped", None)]  # request.user is a lazy proxy
    for target in targets:
        if target is not None and hasattr(target, "__dict__"):
            for name in CACHES:
                vars(target).pop(name, None)


# --- lists and single objects -----------------------------------------------------------------


class ScopedQuerySet(models.QuerySet[M], Generic[M]):
    """The queryset of every protected model. A model placed through another one declares
    ``scope_via`` (the foreign key to it, e.g. ``"volunteer"``): its rows are exactly those of
    the rows it points to, so the two cannot drift apart."""

    def visible_to(self, actor: Actor | None, action: str = VIEW) -> ScopedQuerySet[M]:
        scope = scope_for(actor, action)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        via: str | None = getattr(self.model, "scope_via", None)
        if via is not None:
            target = self.model._meta.get_field(via).related_model
            assert isinstance(target, type)
            reachable = target._default_manager.all().visible_to(actor, action)  # type: ignore[attr-defined]
            return self.filter(**{f"{via}__in": reachable.values("pk")})
        return self.filter(scope.q_for(self.model))


def visible_to(
    actor: Actor | None, rows: type[M] | models.QuerySet[M], action: str = VIEW
) -> ScopedQuerySet[M]:
    """The rows of a protected model (or of a queryset of one) that ``actor`` may reach."""
    queryset = rows if isinstance(rows, models.QuerySet) else rows._default_manager.all()
    return ScopedQuerySet.visible_to(queryset, actor, action)  # type: ignore[arg-type]


def access_object(
    queryset: ScopedQuerySet[M], actor: Actor | None, action: str = VIEW, **lookup: Any
) -> M:
    """One object the actor may reach for ``action``, or Http404 (never 403: no existence leak)."""
    try:
        return queryset.visible_to(actor, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def own_rows(
    actor: Actor | None, rows: models.QuerySet[M], owner_field: str = "owner"
) -> models.QuerySet[M]:
    """Rows that belong to the person who made them, not to a place (a background import
    job): its owner's alone, every row for a superuser, none for anyone else. Grants open
    nothing here: a job holds a file's rows before anyone has checked them."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return rows.none()
    if actor.is_superuser:
        return rows.all()
    return rows.filter(**{f"{owner_field}_id": actor.pk})


def access_own(
    rows: models.QuerySet[M], actor: Actor | None, owner_field: str = "owner", **lookup: Any
) -> M:
    """One row of `own_rows`, or Http404 for "not yours" and "does not exist" alike."""
    try:
        return own_rows(actor, rows, owner_field).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- single decisions -----------------------------------------------------------------------
# Objects are read by duck typing: an organization has ``pk``, ``path`` and ``region_id``; an
# activity its ``region_id`` and ``organization``; a shift its ``activity``; a volunteer its
# ``home_org``. Each rule is written once, here; the lists above apply the same scope.


def can(actor: Actor | None, action: str) -> bool:
    """Whether the actor may ``action`` anywhere at all (for showing menu items and pages that
    are empty without it)."""
    # Not the breadcrumb units above a grant, nor one's own record: those are no grant's.
    scope = scope_for(actor, action)
    return scope.everything or bool(scope.region_ranges or scope.org_paths or scope.org_ids)


def may_change_somewhere(actor: Actor | None) -> bool:
    """Whether the actor may register, create or change anything at all."""
    return not scope_for(actor, CHANGE).is_empty


def may_change_region(actor: Actor | None, region_id: int) -> bool:
    """Inside a granted region subtree (administrators), not merely above or beside it."""
    return scope_for(actor, CHANGE).covers_region(region_id)


def may_see_region(actor: Actor | None, region_id: int) -> bool:
    """Inside a visible subtree, or a unit above a grant (shown by name, for breadcrumbs)."""
    scope = scope_for(actor, VIEW)
    return scope.covers_region(region_id) or region_id in scope.region_ids


def may_change_org(actor: Actor | None, org: Any) -> bool:
    """The organization lies in a region the actor administers, or is a team (or sub-team) of
    a team they lead."""
    return scope_for(actor, CHANGE).covers_org(
        org_id=org.pk, org_path=org.path, region_id=org.region_id
    )


def may_change_volunteer(actor: Actor | None, volunteer: Any) -> bool:
    """Change a volunteer's record, badges, skills and qualifications: the same rule as for
    changing their home organization."""
    return may_change_org(actor, volunteer.home_org)


def may_reveal(actor: Actor | None, volunteer: Any) -> bool:
    """See full numbers: the reveal right, inside the actor's change scope."""
    return may_export_full_numbers(actor) and may_change_volunteer(actor, volunteer)


def may_export_full_numbers(actor: Actor | None) -> bool:
    """Hold the reveal right: ask for an export with full numbers (each row then still needs
    ``may_reveal``, and each export is logged with its reason, PIPL Art 51).

    Region administrators hold it by their role, for the people they manage (issue 13: the
    federation's staff report to the level above with full numbers); anyone else who changes
    records (a team leader) only through the separate permission. Changing nothing, never:
    an auditor reads the roster masked, whatever permission they were given."""
    if actor is None or not actor.is_authenticated or not may_change_somewhere(actor):
        return False
    return administers_regions(actor) or actor.has_perm(REVEAL_PERMISSION)


def may_fetch_export(actor: Actor | None, job: Any) -> bool:
    """Follow and download a background export: only the person who asked for it, active and
    logged in; nobody else, a superuser neither (the file was written with the requester's
    scope and reveal choice, and its audit entry names them)."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and job.requested_by_id == actor.pk
    )


def may_change_activity(actor: Actor | None, activity: Any) -> bool:
    """Administrators of the activity's region and leaders of its organizing organization
    (and of the organizations above it)."""
    return may_change_region(actor, activity.region_id) or may_change_org(
        actor, activity.organization
    )


def may_see_whole_campaign(actor: Actor | None, campaign: Any) -> bool:
    """Count a campaign's figures over all of its activities: administrators and auditors of
    the organizer's region (or above it) and leaders of the organizer. Everyone else who may
    open it (a county or township administrator of a city-wide campaign) counts the part they
    may see: another area's work is that area's to report."""
    scope = scope_for(actor, VIEW)
    org = campaign.organization
    return scope.covers_region(org.region_id) or any(
        org.path.startswith(prefix) for prefix in scope.org_paths
    )


def may_lead_shift(actor: Actor | None, shift: Any) -> bool:
    """Check people in and out, correct their times, call them: whoever may change the
    shift's activity."""
    return may_change_activity(actor, shift.activity)


def may_record_hours(actor: Actor | None, obj: Any) -> bool:
    """Record service hours by hand, correct them, or confirm them, for an activity or a
    ledger entry (both have ``region_id`` and ``organization``): whoever may change the
    activity — administrators of its region, leaders of its organizing unit."""
    return may_change_activity(actor, obj)


def may_confirm_hours(actor: Actor | None, entry: Any) -> bool:
    """Confirm a ledger entry for the organizing unit: whoever may record hours there, but
    never the person who recorded the entry (the approver is never the recorder)."""
    if entry.recorded_by_id is not None and actor is not None and entry.recorded_by_id == actor.pk:
        return False
    return may_record_hours(actor, entry)


def may_issue_proof(actor: Actor | None, *, volunteer: Any, organization: Any) -> bool:
    """Issue a proof of service of the hours ``organization`` recorded for ``volunteer``
    (谁记录谁证明, 办法 Art 14–17): whoever may change that unit (its region's administrators,
    its leaders), and the volunteer themself, for their own hours."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if volunteer.user_id is not None and volunteer.user_id == actor.pk:
        return True
    return may_change_org(actor, organization)


def may_revoke_proof(actor: Actor | None, proof: Any) -> bool:
    """Revoke a proof: whoever may change the issuing unit; never the volunteer alone."""
    return may_change_org(actor, proof.organization)


def may_record_recognition(actor: Actor | None, volunteer: Any) -> bool:
    """Enter an award or an evaluation on a volunteer's record (办法 Art 9, 10): whoever may
    change the record (its region's administrators, its team's leaders), never about
    themself."""
    if actor is not None and volunteer.user_id is not None and volunteer.user_id == actor.pk:
        return False
    return may_change_volunteer(actor, volunteer)


def may_honour_team(actor: Actor | None, team: Any) -> bool:
    """Record a flag presented to a team or a commendation of it: administrators of the team's
    region and leaders of the organization above it; a team does not honour itself."""
    if may_change_region(actor, team.region_id):
        return True
    parent = getattr(team, "parent", None)
    return parent is not None and may_change_org(actor, parent)


def may_set_star_rules(actor: Actor | None, federation: Any) -> bool:
    """Set a federation's star thresholds and grant step: administrators of its region."""
    return may_change_region(actor, federation.region_id)


def may_grant_star(actor: Actor | None, volunteer: Any) -> bool:
    """Grant a star a volunteer reached, where the federation requires a grant: administrators
    of the volunteer's region (a team leader proposes nobody for their own team's stars)."""
    if actor is not None and volunteer.user_id is not None and volunteer.user_id == actor.pk:
        return False
    return may_change_region(actor, volunteer.region_id)


def may_see_honour_roll(actor: Actor | None, region_id: int) -> bool:
    """Open the honour roll of a region: whoever sees the region (those under it see the
    units above by name, so a volunteer sees their county's and city's rolls). A roll shows
    only people who consented to publication."""
    return may_see_region(actor, region_id)


def may_run_selection(actor: Actor | None, organization: Any) -> bool:
    """Define and run a selection by criteria for ``organization`` (issue 16): the federation's
    staff, that is the administrators of the organization's region (and superusers). Team
    leaders do not pick people across a region."""
    return may_change_region(actor, organization.region_id)


def may_approve_selection(actor: Actor | None, selection: Any) -> bool:
    """Approve or reject a run selection: an administrator of its region, but never the person
    who ran it (a decision needs a second pair of eyes)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if selection.run_by_id is not None and selection.run_by_id == actor.pk:
        return False
    return may_change_region(actor, selection.region_id)


def may_see_service_history(actor: Actor | None, volunteer: Any) -> bool:
    """See a volunteer's whole service history, whatever unit recorded each entry (转移接续:
    when a volunteer moves organization or county, their history moves with them): the
    volunteer themself, and those who manage or audit their current home organization —
    administrators and auditors of its region, leaders of it or of a team above it. Not the
    other members of the team (a volunteer grant on it). Each entry stays the recording
    unit's to correct, confirm and prove (``may_record_hours``, ``may_issue_proof``); the old
    unit still sees what it recorded through the ledger's own scope."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if volunteer.user_id is not None and volunteer.user_id == actor.pk:
        return True
    scope = scope_for(actor, VIEW)
    org = volunteer.home_org
    return scope.covers_region(org.region_id) or any(
        org.path.startswith(prefix) for prefix in scope.org_paths
    )


def may_publish(actor: Actor | None, region_id: int) -> bool:
    """Write, publish or withdraw a public post placed in ``region_id`` (issue 18): the staff
    who administer that region — a county's for their county, the city's for the whole city —
    and superusers. Team leaders and volunteers publish nothing in the corps' name."""
    return scope_for(actor, CHANGE).covers_region(region_id)


def may_publish_somewhere(actor: Actor | None) -> bool:
    """Whether the actor may publish for some region at all (the editor's link on home)."""
    return administers_regions(actor)


def may_verify_ledger(actor: Actor | None) -> bool:
    """Open the ledger's chain verification: administrators and auditors (the audit action)."""
    return can(actor, AUDIT)


def may_see_story_figures(actor: Actor | None, city: Any) -> bool:
    """Compare a city's own figures with a report's about it (reports.selectors): whoever
    views the whole city, its administrators and auditors and those above them. The counts
    span every county and team of it, so a county, a team or a volunteer does not see them."""
    return scope_for(actor, VIEW).covers_region(city.pk)


# A city's subtree spans 10**8 region ids (4 prefix digits of 12, core.places): a grant whose
# range is at least that wide is of a city or a province.
_CITY_SPAN = 10**8


def may_see_stats(actor: Actor | None, region_id: int) -> bool:
    """A region's dashboard (figures added up over everything under it): whoever sees the
    whole region through a region grant — its administrators and auditors, and those of the
    units above. A team's leader or member sees their rows, never the region's totals."""
    return scope_for(actor, VIEW).covers_region(region_id)


def may_see_any_stats(actor: Actor | None) -> bool:
    """Whether some region's dashboard opens for the actor (the home page's link)."""
    scope = scope_for(actor, VIEW)
    return scope.everything or bool(scope.region_ranges)


def stats_roots(actor: Actor | None) -> list[int]:
    """The top units of the actor's dashboards: the granted region subtrees' own ids (a
    subtree's lowest id is its unit's), or none; superusers start from anywhere (empty tuple
    with ``everything``, which the caller answers with the top city)."""
    return sorted({low for low, _high in scope_for(actor, VIEW).region_ranges})


def may_manage_workdays(actor: Actor | None) -> bool:
    """Enter the State Council's holidays and make-up workdays for years the calendar package
    does not know (the record deadline counts working days): administrators of a city or
    above, and superusers. The table serves the whole deployment, so no county or team."""
    scope = scope_for(actor, CHANGE)
    return scope.everything or any(
        high - low + 1 >= _CITY_SPAN for low, high in scope.region_ranges
    )


# A county's subtree spans 10**6 region ids (6 code digits of 12, core.places).
_COUNTY_SPAN = 10**6


def may_dispatch(actor: Actor | None, region_id: int) -> bool:
    """Create and run call-outs in a region, send and withdraw invitations: administrators of a
    county or a city (the federations dispatch across their area, 属地化管理、区域化调度) inside
    it, and superusers; never a township, a team leader or a volunteer."""
    scope = scope_for(actor, CHANGE)
    return scope.everything or any(
        high - low + 1 >= _COUNTY_SPAN and low <= region_id <= high
        for low, high in scope.region_ranges
    )


def dispatches_somewhere(actor: Actor | None) -> bool:
    """Whether the call-out pages are the actor's at all (for the home page and the menu)."""
    scope = scope_for(actor, CHANGE)
    return scope.everything or any(
        high - low + 1 >= _COUNTY_SPAN for low, high in scope.region_ranges
    )


def may_set_availability(actor: Actor | None, volunteer: Any) -> bool:
    """Declare when a volunteer can serve: the volunteer themself, and whoever may change their
    record (the leaders and administrators who manage them), for them."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if volunteer.user_id is not None and volunteer.user_id == actor.pk:
        return True
    return may_change_volunteer(actor, volunteer)


def may_grant(actor: Actor | None, *, region: Any = None, organization: Any = None) -> bool:
    """Give someone a role in a region (administrators of it) or an organization (whoever may
    change that organization)."""
    if organization is not None:
        return may_change_org(actor, organization)
    return region is not None and may_change_region(actor, region.pk)


def may_manage_account(actor: Actor | None, account: Any) -> bool:
    """Help someone into their account (issue a password reset link): whoever may grant roles
    in every scope the account holds a role in, the rule that made the account what it is.
    Accounts with staff rights or none of a grant are only the superusers' to manage, so
    nobody takes over an account that reaches further than their own."""
    if actor is None or not actor.is_active or not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    if account.is_superuser or account.is_staff:
        return False
    grants = account.active_grants()
    return bool(grants) and all(
        may_grant(actor, region=grant.region, organization=grant.organization) for grant in grants
    )


def may_place_org(actor: Actor | None, *, region_id: int, parent: Any) -> bool:
    """Where a new or moved organization may go: into a region the actor administers, or
    (a team leader) under a team they may change, in any region they can see."""
    if may_change_region(actor, region_id):
        return True
    return parent is not None and may_change_org(actor, parent) and may_see_region(actor, region_id)


def places_orgs_under_teams(actor: Actor | None) -> bool:
    """Whether the actor's change rights come (also) from teams, so a sub-team may go into any
    region they can see (the region choices of the organization form)."""
    scope = scope_for(actor, CHANGE)
    return bool(scope.org_paths or scope.org_ids)


# --- what a person's home page and menu offer -----------------------------------------------
# The home page and the menu show a section or link exactly when the page behind it would open
# for the viewer; these name the cases in the words of the pages, not of the roles.


def administers_regions(actor: Actor | None) -> bool:
    """Changes a whole region subtree (city, county and township administrators, superusers):
    the region's work queue is theirs."""
    scope = scope_for(actor, CHANGE)
    return scope.everything or bool(scope.region_ranges)


def leads_teams(actor: Actor | None) -> bool:
    """Changes one or more organizations through a grant on them (team leaders): their teams'
    shifts and check-in stations are theirs."""
    return places_orgs_under_teams(actor)


def may_see_rosters(actor: Actor | None) -> bool:
    """The roster of volunteers and its export: whoever manages records or audits them (a
    volunteer sees their own record only, on their own page)."""
    return can(actor, CHANGE) or can(actor, AUDIT)


def may_view(actor: Actor | None, obj: models.Model | None) -> bool:
    """Whether the actor may open ``obj``'s page: a page links to another object only when
    this holds, else it names it as plain text (a link into 404 tells an outsider nothing, but
    it sends a person to a dead end; issue 13). One query; for single links, not list rows."""
    if obj is None:
        return False
    return visible_to(actor, type(obj)).filter(pk=obj.pk).exists()
