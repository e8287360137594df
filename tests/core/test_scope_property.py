"""Scope as a property: what the access code lets a user reach equals a reference computed by
walking up the tree.

Hypothesis builds random region trees with codes shaped like the real ones and the edges of an
id range (first and last child codes; siblings whose id is the upper bound of the previous
sibling's range + 1; villages, whose range is a single id), organizations nested in them,
volunteers with memberships, and users holding random grants of every role, some inactive, some
superusers. The reference below knows nothing of id ranges, ancestor ids or paths: it follows
parent links, and its table of what each role may do is copied from docs/architecture.md.

The pure ``Scope`` logic runs many examples without a database; ``visible_to`` runs fewer, each
example built inside a savepoint that is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vetserve.accounts.models import Grant, User
from vetserve.core.access import AUDIT, CHANGE, VIEW, scope_for
from vetserve.orgs.models import Kind, Organization
from vetserve.people.models import Membership, Volunteer
from vetserve.regions.models import Region

ACTIONS = (VIEW, CHANGE, AUDIT)
LEVELS = ("province", "city", "county", "township", "village")

# The digits each level adds to its parent's code: the first and last children and their
# neighbours, so sibling subtrees touch (4101's range ends at 410199999999, 4102 is the next
# id). Provinces other than 13: the session database already holds Hebei's divisions.
SEGMENTS = {
    "province": ("41", "42"),
    "city": ("01", "02", "98", "99"),
    "county": ("01", "02", "98", "99"),
    "township": ("001", "002", "998", "999"),
    "village": ("001", "002", "998", "999"),
}

# docs/architecture.md, "Scoping": what each role may do, and where it is granted.
MAY = {
    "city_admin": {VIEW, CHANGE, AUDIT},
    "county_admin": {VIEW, CHANGE, AUDIT},
    "township_admin": {VIEW, CHANGE, AUDIT},
    "org_leader": {VIEW, CHANGE},
    "volunteer": {VIEW},
    "auditor": {VIEW, AUDIT},
}
GRANTED_AT = {
    "city_admin": "city",
    "county_admin": "county",
    "township_admin": "township",
    "auditor": None,  # any level
}
ORG_ROLES = ("org_leader", "volunteer")


def region_code(segments: tuple[str, ...]) -> str:
    """The official code of the unit reached by these segments: 41 -> 410000, 41+01 -> 410100."""
    digits = "".join(segments)
    return digits.ljust(6, "0") if len(digits) <= 6 else digits


@dataclass(frozen=True)
class GrantSpec:
    role: str
    region: str | None = None  # a region code
    org: int | None = None  # an index into World.orgs


@dataclass(frozen=True)
class UserSpec:
    active: bool
    superuser: bool
    grants: frozenset[GrantSpec]


@dataclass(frozen=True)
class OrgSpec:
    region: str
    parent: int | None  # an index of an earlier organization


@dataclass(frozen=True)
class VolunteerSpec:
    home_org: int
    user: int | None
    memberships: tuple[tuple[int, bool], ...]  # (organization index, ended)


@dataclass
class World:
    regions: dict[str, tuple[str, str | None]]  # code -> (level, parent code)
    orgs: list[OrgSpec]
    users: list[UserSpec]
    volunteers: list[VolunteerSpec] = field(default_factory=list)

    def regions_up(self, code: str) -> Iterator[str]:
        """The region and the ones above it, by parent links."""
        current: str | None = code
        while current is not None:
            yield current
            current = self.regions[current][1]

    def orgs_up(self, index: int) -> Iterator[int]:
        current: int | None = index
        while current is not None:
            yield current
            current = self.orgs[current].parent


@st.composite
def worlds(draw: Any, *, with_volunteers: bool = False) -> World:
    branches = draw(
        st.lists(
            st.tuples(
                st.tuples(*(st.sampled_from(SEGMENTS[level]) for level in LEVELS)),
                st.integers(min_value=1, max_value=len(LEVELS)),
            ),
            min_size=1,
            max_size=7,
        )
    )
    regions: dict[str, tuple[str, str | None]] = {}
    for segments, depth in branches:
        for d in range(1, depth + 1):
            parent = region_code(segments[: d - 1]) if d > 1 else None
            regions[region_code(segments[:d])] = (LEVELS[d - 1], parent)
    codes = sorted(regions)

    orgs: list[OrgSpec] = []
    for i in range(draw(st.integers(min_value=0, max_value=6))):
        parent = draw(st.none() | st.integers(min_value=0, max_value=i - 1)) if i else None
        orgs.append(OrgSpec(region=draw(st.sampled_from(codes)), parent=parent))

    def grant() -> st.SearchStrategy[GrantSpec]:
        region_roles = []
        for role, level in GRANTED_AT.items():
            places = [c for c in codes if level is None or regions[c][0] == level]
            if places:
                region_roles.append(st.builds(GrantSpec, st.just(role), st.sampled_from(places)))
        options = region_roles
        if orgs:
            options = [
                *options,
                st.builds(
                    GrantSpec,
                    st.sampled_from(ORG_ROLES),
                    org=st.integers(min_value=0, max_value=len(orgs) - 1),
                ),
            ]
        return st.one_of(options) if options else st.nothing()

    users = draw(
        st.lists(
            st.builds(
                UserSpec,
                active=st.sampled_from([True, True, True, False]),
                superuser=st.sampled_from([False, False, False, False, True]),
                grants=st.frozensets(grant(), max_size=4),
            ),
            min_size=1,
            max_size=4,
        )
    )
    world = World(regions=regions, orgs=orgs, users=users)
    if with_volunteers and orgs:
        org_index = st.integers(min_value=0, max_value=len(orgs) - 1)
        owners = draw(st.lists(st.none() | st.integers(0, len(users) - 1), max_size=6))
        seen: set[int] = set()
        for owner in owners:
            if owner in seen:  # one volunteer record per user
                owner = None
            if owner is not None:
                seen.add(owner)
            memberships = draw(
                st.lists(st.tuples(org_index, st.booleans()), max_size=2, unique_by=lambda m: m[0])
            )
            world.volunteers.append(
                VolunteerSpec(home_org=draw(org_index), user=owner, memberships=tuple(memberships))
            )
    return world


# The reference: parent links only.


def allowed(user: UserSpec, action: str) -> list[GrantSpec]:
    return [g for g in user.grants if action in MAY[g.role]] if user.active else []


def ref_covered_regions(world: World, user: UserSpec, action: str) -> set[str]:
    """Regions inside a granted region's subtree: the region itself or one above it is granted."""
    if user.active and user.superuser:
        return set(world.regions)
    granted = {g.region for g in allowed(user, action) if g.region is not None}
    return {code for code in world.regions if granted & set(world.regions_up(code))}


def ref_visible_regions(world: World, user: UserSpec, action: str) -> set[str]:
    visible = ref_covered_regions(world, user, action)
    if action == VIEW:
        # Breadcrumbs: the units above a granted region, and an organization's own region with
        # the units above it, show by name.
        for g in allowed(user, action):
            if g.region is not None:
                visible |= set(world.regions_up(g.region)) - {g.region}
            else:
                assert g.org is not None
                visible |= set(world.regions_up(world.orgs[g.org].region))
    return visible


def ref_led_orgs(world: World, user: UserSpec, action: str) -> set[int]:
    """Organizations at or below one the user leads (for an action leaders may do)."""
    led = {g.org for g in allowed(user, action) if g.role == "org_leader"}
    return {i for i in range(len(world.orgs)) if led & set(world.orgs_up(i))}


def ref_covered_orgs(world: World, user: UserSpec, action: str) -> set[int]:
    if user.active and user.superuser:
        return set(range(len(world.orgs)))
    regions = ref_covered_regions(world, user, action)
    own_team = {g.org for g in allowed(user, action) if g.role == "volunteer"}
    return {
        i
        for i, org in enumerate(world.orgs)
        if org.region in regions or i in own_team or i in ref_led_orgs(world, user, action)
    }


def ref_visible_volunteers(world: World, user_index: int, action: str) -> set[int]:
    user = world.users[user_index]
    if not user.active:
        return set()
    if user.superuser:
        return set(range(len(world.volunteers)))
    regions = ref_covered_regions(world, user, action)
    led = ref_led_orgs(world, user, action)
    return {
        i
        for i, v in enumerate(world.volunteers)
        if world.orgs[v.home_org].region in regions
        or v.home_org in led
        or any(org in led and not ended for org, ended in v.memberships)
        or (action == VIEW and v.user == user_index)
    }


# Without a database: the scope computed from grants already loaded on an unsaved user.

# Ids whose paths share prefixes ("/1/" and "/11/"), so a prefix match without its slash shows.
ORG_IDS = (1, 2, 11, 12, 21, 111)


def unsaved_world(world: World) -> tuple[dict[str, Region], list[Organization]]:
    regions = {
        code: Region(id=int(code.ljust(12, "0")), code=code, level=level)
        for code, (level, _) in world.regions.items()
    }
    orgs: list[Organization] = []
    for i, spec in enumerate(world.orgs):
        parent_path = orgs[spec.parent].path if spec.parent is not None else "/"
        orgs.append(
            Organization(
                id=ORG_IDS[i], region=regions[spec.region], path=f"{parent_path}{ORG_IDS[i]}/"
            )
        )
    return regions, orgs


def unsaved_user(
    spec: UserSpec, pk: int, regions: dict[str, Region], orgs: list[Organization]
) -> User:
    user = User(id=pk, is_active=spec.active, is_superuser=spec.superuser)
    user.__dict__["_vetserve_grants"] = [
        Grant(role=g.role, region=regions[g.region])
        if g.region is not None
        else Grant(role=g.role, organization=orgs[g.org or 0])
        for g in spec.grants
    ]
    return user


@settings(max_examples=150, deadline=None)
@given(world=worlds())
def test_scope_covers_exactly_the_regions_and_organizations_under_a_grant(world: World) -> None:
    regions, orgs = unsaved_world(world)
    for pk, spec in enumerate(world.users, start=1):
        user = unsaved_user(spec, pk, regions, orgs)
        for action in ACTIONS:
            scope = scope_for(user, action)
            covered = {c for c, r in regions.items() if scope.covers_region(r.id)}
            assert covered == ref_covered_regions(world, spec, action), (spec, action)
            reached = {
                i
                for i, org in enumerate(orgs)
                if scope.covers_org(org_id=org.id, org_path=org.path, region_id=org.region_id)
            }
            assert reached == ref_covered_orgs(world, spec, action), (spec, action)


# With a database: the querysets every list goes through.


@dataclass
class Built:
    region_codes: dict[int, str]  # id -> code
    org_indexes: dict[int, int]  # id -> index
    volunteer_indexes: dict[int, int]
    user_ids: list[int]


def build(world: World) -> Built:
    Region.objects.bulk_create(
        Region(
            id=int(code.ljust(12, "0")),
            code=code,
            name=code,
            level=level,
            parent_id=int(parent.ljust(12, "0")) if parent else None,
        )
        for code, (level, parent) in sorted(world.regions.items())
    )
    orgs: list[Organization] = []
    for i, spec in enumerate(world.orgs):
        parent = orgs[spec.parent] if spec.parent is not None else None
        org = Organization.objects.create(
            name=f"org {i}",
            kind=Kind.GRASSROOTS,
            region_id=int(spec.region.ljust(12, "0")),
            parent=parent,
            path="",
        )
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
        org.save(update_fields=["path"])
        orgs.append(org)
    users = [
        User.objects.create(username=f"user {i}", is_active=u.active, is_superuser=u.superuser)
        for i, u in enumerate(world.users)
    ]
    Grant.objects.bulk_create(
        Grant(
            user=user,
            role=g.role,
            region_id=int(g.region.ljust(12, "0")) if g.region else None,
            organization=orgs[g.org] if g.org is not None else None,
        )
        for user, spec in zip(users, world.users, strict=True)
        for g in spec.grants
    )
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            name=f"volunteer {i}",
            gender="male",
            id_number_enc="-",
            residence_region_id=orgs[v.home_org].region_id,
            home_org=orgs[v.home_org],
            region_id=orgs[v.home_org].region_id,
            user=users[v.user] if v.user is not None else None,
        )
        for i, v in enumerate(world.volunteers)
    )
    Membership.objects.bulk_create(
        Membership(
            volunteer=volunteer,
            organization=orgs[org],
            started_on=date(2025, 1, 1),
            ended_on=date(2025, 6, 30) if ended else None,
        )
        for volunteer, spec in zip(volunteers, world.volunteers, strict=True)
        for org, ended in spec.memberships
    )
    return Built(
        region_codes={int(c.ljust(12, "0")): c for c in world.regions},
        org_indexes={org.pk: i for i, org in enumerate(orgs)},
        volunteer_indexes={v.pk: i for i, v in enumerate(volunteers)},
        user_ids=[u.pk for u in users],
    )


@pytest.fixture
def savepoint_per_example(db: Any) -> Any:
    """Each hypothesis example builds its world in a savepoint that is then rolled back."""

    class Savepoint:
        def __enter__(self) -> None:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc: Any) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(*exc)

    return Savepoint


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(with_volunteers=True))
def test_visible_to_lists_exactly_what_walking_up_the_tree_reaches(
    savepoint_per_example: Any, world: World
) -> None:
    with savepoint_per_example():
        built = build(world)
        for index, spec in enumerate(world.users):
            user = User.objects.get(pk=built.user_ids[index])
            for action in ACTIONS:
                regions = Region.objects.visible_to(user, action)
                seen = {
                    built.region_codes.get(pk, "elsewhere")
                    for pk in regions.values_list("pk", flat=True)
                }
                expected = ref_visible_regions(world, spec, action)
                if spec.active and spec.superuser:
                    expected |= {"elsewhere"}  # Hebei's divisions, loaded for every test
                assert seen == expected, (spec, action)

                orgs = Organization.objects.visible_to(user, action).values_list("pk", flat=True)
                seen_orgs = {built.org_indexes[pk] for pk in orgs}
                assert seen_orgs == ref_covered_orgs(world, spec, action), (spec, action)

                volunteers = Volunteer.objects.visible_to(user, action).values_list("pk", flat=True)
                seen_volunteers = {built.volunteer_indexes[pk] for pk in volunteers}
                expected_volunteers = ref_visible_volunteers(world, index, action)
                assert seen_volunteers == expected_volunteers, (spec, action)
