"""The demo city: Zhangjiakou as the 2022 news report describes it, built the same every time.

`demo_build()` empties the database's own tables and runs `STEPS` in order in one transaction.
Each step draws from its own random generator, seeded from the build seed and the step's name,
so a step added later (volunteers, activities, hours) changes nothing the earlier steps make.
Rows go in with `bulk_create`: the whole city takes a few seconds.

The build leaves one audit entry, ``demo.build``, holding the builder version: `vetserve demo`
reads it to tell a built demo from an empty or foreign database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

from vetserve.accounts.models import Grant, User
from vetserve.audit.models import AuditEntry
from vetserve.audit.services import audit_record
from vetserve.core.text import pinyin_keys
from vetserve.demo import activities, data, dispatch, public, roster, season, selection, skills
from vetserve.ledger import triggers as ledger_triggers
from vetserve.orgs.models import Kind, Organization
from vetserve.regions.models import Level, Region, code_to_id
from vetserve.regions.services import regions_load_csv
from vetserve.stats.services import summaries_rebuild

# Bump when the builder makes something different: `vetserve demo` rebuilds an older demo.
BUILDER_VERSION = 10
DEMO_SEED = 2022
MARKER_ACTION = "demo.build"
MARKER_ACTOR = "vetserve demo"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈彭吕苏蒋贾魏薛范石姚郝孟段乔白"  # noqa: E501
GIVEN = "建国军华明伟强磊勇杰涛斌超刚平辉鹏亮海峰文波宁东卫民志春生庆丰振新胜利立德学玉保永"


class DemoBuildRefused(Exception):
    """The database holds data the demo did not make; the builder will not overwrite it."""


@dataclass(frozen=True)
class DemoState:
    version: int
    seed: int
    built_at: datetime


@dataclass
class BuildContext:
    """What the steps share: the seed, and what earlier steps made, for later ones to use."""

    seed: int
    regions: dict[str, Region] = field(default_factory=dict)  # by code
    federations: dict[str, Organization] = field(default_factory=dict)  # by region code
    named: dict[str, Organization] = field(default_factory=dict)  # partners and named teams
    township_teams: dict[str, Organization] = field(default_factory=dict)  # by township code
    villages: list[Region] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        # A string seed is hashed with SHA-512: the same on every machine and every run.
        return random.Random(f"{self.seed}:{step}")

    def org(self, reference: str) -> Organization:
        """An OrgSpec parent: a region code means that region's federation."""
        if reference.isdigit():
            return self.federations[reference]
        return self.named[reference]


Step = Callable[[BuildContext], None]


# --- helpers --------------------------------------------------------------------------------


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


def random_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def founding_date(rng: random.Random, parent: Organization | None, first: date, last: date) -> date:
    """A date in [first, last], at least a month after the parent's founding when it has one."""
    if parent is not None and parent.founded_on is not None:
        first = max(first, parent.founded_on + timedelta(days=30))
    return random_date(rng, min(first, last), last)


def village_name(rng: random.Random) -> str:
    if rng.random() < 0.45:
        head = rng.choice(data.VILLAGE_SURNAMES) + "家"
    else:
        head = rng.choice(data.VILLAGE_FIRST)
    return head + rng.choice(data.VILLAGE_LANDFORMS) + "村"


def village_counts(rng: random.Random, townships: list[Region]) -> dict[str, int]:
    """How many demo villages (each with a team) every township gets.

    崇礼区 gets exactly CHONGLI_VILLAGE_TEAMS; the rest are drawn without replacement from
    slots weighted to rural units: a township (乡/镇) has three slots, a subdistrict (街道) or
    farm/management office one, so no township ends with more than three.
    """
    chongli = [t for t in townships if t.code.startswith(data.CHONGLI_CODE)]
    others = [t for t in townships if not t.code.startswith(data.CHONGLI_CODE)]
    counts = dict.fromkeys((t.code for t in townships), 0)
    for township in rng.sample([t for t in chongli if t.name[-1] in "乡镇"], 2):
        counts[township.code] += 1
    slots = [t.code for t in others for _ in range(3 if t.name[-1] in "乡镇" else 1)]
    for code in rng.sample(slots, data.VILLAGE_TEAMS - data.CHONGLI_VILLAGE_TEAMS):
        counts[code] += 1
    return counts


def insert_orgs(orgs: list[Organization]) -> list[Organization]:
    """Insert organizations whose parents exist, then give each its path (parent's + own id)."""
    for org in orgs:
        org.name_initials, org.name_pinyin = pinyin_keys(org.name)
        org.path = ""
    created = Organization.objects.bulk_create(orgs, batch_size=500)
    for org in created:
        # The id exists only after the insert; see orgs.services.organization_create.
        org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
    Organization.objects.bulk_update(created, ["path"], batch_size=500)
    return created


def insert_specs(ctx: BuildContext, rng: random.Random, specs: Iterable[data.OrgSpec]) -> None:
    """Insert named organizations, parents before children, and register them by name."""
    pending = list(specs)
    while pending:
        ready = [s for s in pending if not s.parent or s.parent in ctx.named or s.parent.isdigit()]
        if not ready:
            raise ValueError(f"unknown parents: {sorted({s.parent for s in pending})}")
        orgs = []
        for spec in ready:
            parent = ctx.org(spec.parent) if spec.parent else None
            founded = None
            # Partner bodies (a college, the Red Cross) are long established: no date made up.
            if spec.kind != Kind.PARTNER:
                # Every named team existed before the flags were awarded in autumn 2021.
                founded = founding_date(
                    rng,
                    parent,
                    date(2016, 3, 1) if spec.flag else date(2019, 1, 1),
                    data.FLAG_DAY - timedelta(days=28),
                )
            orgs.append(
                Organization(
                    name=spec.name,
                    kind=spec.kind,
                    specialty=spec.specialty,
                    region=ctx.regions[spec.region],
                    parent=parent,
                    founded_on=founded,
                    leader_name=spec.leader or person_name(rng),
                    flag_awarded_on=data.FLAG_DAY if spec.flag else None,
                    description=spec.description,
                )
            )
        for org in insert_orgs(orgs):
            ctx.named[org.name] = org
        pending = [s for s in pending if s not in ready]


# --- steps ----------------------------------------------------------------------------------


def step_regions(ctx: BuildContext) -> None:
    """The real divisions of Zhangjiakou (GB/T 2260 and NBS codes)."""
    result = regions_load_csv()
    ctx.regions = {r.code: r for r in Region.objects.all()}
    ctx.counts["official regions"] = result.created + result.updated + result.unchanged


def step_villages(ctx: BuildContext) -> None:
    """Made-up villages for the village teams: township code + 2xx, names like 王家营村."""
    rng = ctx.rng("villages")
    townships = sorted(
        (r for r in ctx.regions.values() if r.level == Level.TOWNSHIP), key=lambda r: r.code
    )
    counts = village_counts(rng, townships)
    villages = []
    for township in townships:
        names: set[str] = set()
        while len(names) < counts[township.code]:
            names.add(village_name(rng))
        numbers = sorted(rng.sample(range(200, 300), len(names)))
        for number, name in zip(numbers, sorted(names), strict=True):
            code = f"{township.code}{number}"
            initials, full = pinyin_keys(name)
            villages.append(
                Region(
                    id=code_to_id(code),
                    code=code,
                    name=name,
                    level=Level.VILLAGE,
                    parent=township,
                    name_initials=initials,
                    name_pinyin=full,
                )
            )
    Region.objects.bulk_create(villages, batch_size=500)
    ctx.villages = villages
    ctx.regions.update((v.code, v) for v in villages)
    ctx.counts["demo villages"] = len(villages)


def step_federations(ctx: BuildContext) -> None:
    """The city federation and one per county-level unit (the 3 function zones included)."""
    rng = ctx.rng("federations")
    city = ctx.regions[data.CITY_CODE]
    (root,) = insert_orgs(
        [
            Organization(
                name=data.CITY_FEDERATION,
                kind=Kind.FEDERATION,
                region=city,
                founded_on=date(2018, 7, 27),
                leader_name=person_name(rng),
                description="依托市县两级爱国拥军联合会，属地化管理、区域化调度。",
            )
        ]
    )
    ctx.federations[city.code] = root
    counties = sorted(
        (r for r in ctx.regions.values() if r.level == Level.COUNTY), key=lambda r: r.code
    )
    orgs = [
        Organization(
            name=county.name.removeprefix("张家口市") + data.FEDERATION_SUFFIX,
            kind=Kind.FEDERATION,
            region=county,
            parent=root,
            founded_on=random_date(rng, date(2018, 9, 1), date(2019, 6, 30)),
            leader_name=person_name(rng),
        )
        for county in counties
    ]
    for org in insert_orgs(orgs):
        ctx.federations[org.region.code] = org
    ctx.counts["federations"] = len(ctx.federations)


def step_partners(ctx: BuildContext) -> None:
    """Bodies the federations work with: the charity federation, Red Cross, Blue Sky, colleges."""
    insert_specs(ctx, ctx.rng("partners"), data.PARTNERS)
    ctx.counts["partner bodies"] = len(data.PARTNERS)


def step_grassroots(ctx: BuildContext) -> None:
    """612 teams: one per township, one per demo village, each under its county's federation."""
    rng = ctx.rng("grassroots")
    units = sorted(
        (r for r in ctx.regions.values() if r.level in (Level.TOWNSHIP, Level.VILLAGE)),
        key=lambda r: r.code,
    )
    orgs = []
    for unit in units:
        is_township = unit.level == Level.TOWNSHIP
        flagged = unit.code in data.FLAGGED_TOWNSHIP_TEAMS
        parent = ctx.federations[unit.code[:6]]
        orgs.append(
            Organization(
                name=f"{unit.name}退役军人志愿服务队",
                kind=Kind.GRASSROOTS,
                region=unit,
                parent=parent,
                founded_on=founding_date(
                    rng,
                    parent,
                    date(2019, 1, 1) if is_township else date(2019, 6, 1),
                    date(2021, 6, 30) if flagged else date(2021, 12, 31),
                ),
                leader_name=person_name(rng),
                flag_awarded_on=data.FLAG_DAY if flagged else None,
            )
        )
    for org in insert_orgs(orgs):
        if org.region.level == Level.TOWNSHIP:
            ctx.township_teams[org.region.code] = org
    ctx.counts["grassroots teams"] = len(orgs)


def step_named_teams(ctx: BuildContext) -> None:
    """The charity federation's 17, the 9 rescue-based, 崇礼区's own, students', and others."""
    insert_specs(ctx, ctx.rng("named teams"), data.NAMED_TEAMS)
    ctx.counts["named teams"] = len(data.NAMED_TEAMS)


def step_logins(ctx: BuildContext) -> None:
    """One login per role; the password is printed by `vetserve demo`."""
    # One hash for all: the password is public anyway, and argon2 costs ~0.1 s per hash.
    password = make_password(data.DEMO_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                username=spec.username,
                display_name=spec.display_name,
                password=password,
                is_superuser=not spec.role,
                is_staff=not spec.role,
            )
            for spec in data.LOGINS
        ]
    )
    admin = users[0]
    grants = []
    for spec, user in zip(data.LOGINS, users, strict=True):
        if not spec.role:
            continue
        if spec.region:
            grants.append(
                Grant(user=user, role=spec.role, region=ctx.regions[spec.region], granted_by=admin)
            )
        else:
            org = ctx.named.get(spec.organization) or next(
                t for t in ctx.township_teams.values() if t.name == spec.organization
            )
            grants.append(Grant(user=user, role=spec.role, organization=org, granted_by=admin))
    Grant.objects.bulk_create(grants)
    ctx.counts["logins"] = len(users)


def step_stats(ctx: BuildContext) -> None:
    """The dashboards' summary tables, from the whole ledger: the season's records are written
    as plain rows (fast), past the ledger's hook that keeps the summaries current."""
    made = summaries_rebuild(actor=MARKER_ACTOR)
    ctx.counts["summary rows"] = sum(made.values())


# Later issues append steps here (volunteers, badges, activities, hours …).
STEPS: list[Step] = [
    step_regions,
    step_villages,
    step_federations,
    step_partners,
    step_grassroots,
    step_named_teams,
    step_logins,
    roster.step_volunteers,
    roster.step_memberships,
    roster.step_badges,
    skills.step_catalogue,
    skills.step_skills,
    skills.step_qualifications,
    skills.step_training,
    activities.step_outcome_types,
    activities.step_campaign,
    activities.step_activities,
    season.step_season,
    activities.step_today,
    season.step_season_ledger,
    dispatch.step_night_snow,
    selection.step_selection,
    public.step_public,
    step_stats,
]


# --- building -------------------------------------------------------------------------------


def demo_state() -> DemoState | None:
    """The version and time of the last build, or None when the demo was never built here."""
    entry = AuditEntry.objects.filter(action=MARKER_ACTION).order_by("-at", "-id").first()
    if entry is None:
        return None
    return DemoState(
        version=int(entry.changes.get("version", 0)),
        seed=int(entry.changes.get("seed", DEMO_SEED)),
        built_at=entry.at,
    )


def holds_foreign_data() -> bool:
    """Users or organizations that no demo build made: real data the demo must not wipe."""
    if demo_state() is not None:
        return False
    return User.objects.exists() or Organization.objects.exists()


def _wipe() -> None:
    """Empty every table of the project, keeping only Django's content types and permissions.

    Faster than deleting model by model, and it restarts the id sequences, so every build gives
    the same ids. Tables of apps added later are emptied too, with no change here.
    """
    keep = {ContentType._meta.db_table, Permission._meta.db_table}
    existing = set(connection.introspection.table_names())
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        & (existing - keep)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred foreign-key checks pending in the same
            # transaction (a second build inside one test); run those checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The ledger refuses DELETE (its triggers); emptying the whole demo lifts that for
        # this one statement (PostgreSQL's TRUNCATE fires no row trigger).
        guard = (
            ledger_triggers.suspended(connection)
            if connection.vendor == "sqlite" and ledger_triggers.TABLE in tables
            else nullcontext()
        )
        with guard:
            connection.ops.execute_sql_flush(
                connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
            )
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@transaction.atomic
def demo_build(*, seed: int = DEMO_SEED, steps: list[Step] | None = None) -> BuildContext:
    """Build the demo from scratch. Refuses a database that holds data the demo did not make."""
    if holds_foreign_data():
        raise DemoBuildRefused(
            "This database holds users or organizations that the demo did not create; "
            "the demo builder will not overwrite them."
        )
    _wipe()
    ctx = BuildContext(seed=seed)
    for step in steps if steps is not None else STEPS:
        step(ctx)
    audit_record(
        actor=MARKER_ACTOR,
        action=MARKER_ACTION,
        object_repr=f"demo builder v{BUILDER_VERSION}",
        changes={"version": BUILDER_VERSION, "seed": seed},
    )
    return ctx


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str  # a Role value, as `vetserve grant` takes it, or "superuser"
    scope: str


def demo_logins() -> list[DemoLogin]:
    """The demo logins as they are in the database, in the order of data.LOGINS."""
    order = [spec.username for spec in data.LOGINS]
    users: dict[str, Any] = {u.username: u for u in User.objects.filter(username__in=order)}
    result = []
    for username in order:
        user = users.get(username)
        if user is None:
            continue
        if user.is_superuser:
            result.append(DemoLogin(username, user.display_name, "superuser", "everything"))
            continue
        for grant in user.active_grants():
            target = grant.region or grant.organization
            code = f" ({grant.region.code})" if grant.region else ""
            result.append(DemoLogin(username, user.display_name, grant.role, f"{target}{code}"))
    return result
