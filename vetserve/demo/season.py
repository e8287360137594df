"""Demo steps for the whole season: the report's 2,790 activities of the 2021–2022 winter.

``demo.activities`` builds the activities the report tells one by one (the snow at 雪如意, the
highway checkpoint, the Red Cross first-aid team, three teams' Saturday duty). This step adds
the rest of the season, spread over the city's teams and counties, so that the demo's own
figures reproduce the report's (``vetserve report-figures``, /reports/story/):

- disinfection of schools, malls and residential areas by 张家口市退役军人战勤公益车队,
  6,000,000+ m² in all;
- road rescue, material transport, traffic guidance and blood donation by the two 战勤 teams,
  40+ times;
- 40 city volunteers at transport hubs, shops, tourist sites, hospitals and hotels during the
  Games;
- patrols and cover by the rescue teams, community work (poverty aid, environment, security
  patrols) by 人保东辰 and the charity federation's teams;
- and, the bulk of it, weekend duty "迎冬奥、讲文明、树新风" of every grassroots and student team:
  every admitted veteran of the roster (5,000+) on at least one weekend.

``step_season_ledger`` then turns every closed stay of the winter into a ledger record, made
the day after the shift as ``ledger-from-attendance`` would have made it, and confirmed by the
organizing unit a few days later (办法 Art 11: within 10 working days); the stays closed
automatically still wait for a leader. Dates, places, team sizes and the split of figures are
illustrative; the totals are the report's.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection
from django.db.models import F
from django.utils import timezone

from vetserve.accounts.models import User
from vetserve.activities.models import Activity, Campaign, Category, OutcomeType, Shift, SignUp
from vetserve.attendance.models import Attendance
from vetserve.demo import data
from vetserve.demo.activities import CAMPAIGN
from vetserve.demo.activity_rows import ActivityRows
from vetserve.ledger.chain import GENESIS, entry_hash
from vetserve.ledger.models import LedgerEntry, Source
from vetserve.ledger.services import SYSTEM_NAME, ledger_from_attendance
from vetserve.orgs.models import Kind, Organization
from vetserve.people.models import Membership, Volunteer
from vetserve.people.models import Status as VolunteerStatus

if TYPE_CHECKING:
    from vetserve.demo.builder import BuildContext

SHANGHAI = ZoneInfo("Asia/Shanghai")

SEASON_ACTIVITIES = 2790  # "开展各类服务活动2790场"
FIRST_DAY, LAST_DAY = date(2021, 10, 2), date(2022, 3, 20)
GAMES = (date(2022, 2, 4), date(2022, 3, 13))  # Olympics and Paralympics

CONVOY = "张家口市退役军人战勤公益车队"
SUPPORT = "河北战勤应急保障大队"
COMMUNITY = "人保东辰退役军人志愿服务队"
DISINFECTION_DAYS = 48
DISINFECTED_M2 = 6_120_000  # "总面积超过600万平方米"
ROAD_JOBS = 44  # "道路抢险、物资运输、交通疏导、紧急救援、义务献血等志愿服务活动40余次"
CITY_POSTS = [  # "40名…城市志愿者": 8 at each kind of place, during the Games
    ("交通枢纽", "张家口站", "130702"),
    ("商业网点", "张家口万达广场", "130703"),
    ("旅游景点", "大境门景区", "130703"),
    ("医疗机构", "张家口市第一医院", "130702"),
    ("住宿酒店", "崇礼区太子城冰雪小镇酒店", "130709"),
]
CITY_POST_PEOPLE = 8
COMMUNITY_DAYS = 36
RESCUE_PATROLS = 60
CHARITY_DAYS_EACH = 4

WEEKEND_TITLE = "“迎冬奥、讲文明、树新风”周末志愿服务"
WEEKEND_POSTS = [
    ("路口文明引导岗", "交通路口"),
    ("社区环境卫生岗", "社区"),
    ("广场秩序岗", "文化广场"),
    ("公交站台文明岗", "公交站台"),
    ("集市秩序维护岗", "集市"),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


class _Season:
    """The step's working state: rows to write and who is busy on which day."""

    def __init__(self, ctx: BuildContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.campaign = Campaign.objects.get(name=CAMPAIGN)
        self.admin = User.objects.get(username="admin")
        users = dict(
            Volunteer.objects.filter(user__isnull=False).values_list("pk", "user_id").order_by("pk")
        )
        self.rows = ActivityRows(rng, users, [], [], [], [], [])
        # Nobody serves two activities on one day: the stays already made count.
        self.busy: dict[int, set[date]] = defaultdict(set)
        for volunteer_id, in_at in Attendance.objects.values_list("volunteer_id", "in_at"):
            self.busy[volunteer_id].add(timezone.localtime(in_at, SHANGHAI).date())
        self.made = 0

    def activity(
        self,
        org: Organization,
        *,
        title: str,
        category: str,
        place: str,
        day: date,
        begin: int,
        hours: int,
        post: str,
        people: list[int],
        outcomes: tuple[tuple[str, int], ...] = (),
        region_id: int | None = None,
        **fields: Any,
    ) -> Shift:
        """One day's activity with one shift, its people signed up and checked in and out."""
        region = self.ctx.regions.get(org.region.code[:6])
        made = Activity(
            campaign=self.campaign,
            organization=org,
            region_id=region_id or org.region_id,
            title=title,
            category=category,
            place=place,
            lat=region.lat if region else None,
            lon=region.lon if region else None,
            starts_at=_at(day, begin),
            ends_at=_at(day, begin + hours),
            status="finished",
            contact_name=org.leader_name,
            created_by=self.admin,
            **fields,
        )
        self.rows.activities.append(made)
        self.made += 1
        shift = Shift(
            activity=made,
            post=post,
            starts_at=made.starts_at,
            ends_at=made.ends_at,
            min_people=1,
            wanted_people=max(1, len(people)),
            max_people=max(1, len(people)) + 2,
        )
        self.rows.shifts.append(shift)
        for pk in sorted(people):
            self.busy[pk].add(day)
            confirmed = shift.starts_at - timedelta(
                days=self.rng.randint(1, 6), minutes=self.rng.randint(0, 600)
            )
            self.rows.signups.append((shift, pk, confirmed))
            self.rows.stays.append((len(self.rows.signups) - 1, "season"))
        for code, quantity in outcomes:
            self.rows.outcomes.append((made, shift, code, quantity, ""))
        return shift

    def free(self, pool: list[int], day: date, size: int) -> list[int]:
        """Up to ``size`` of ``pool`` not yet serving on ``day``."""
        idle = [pk for pk in pool if day not in self.busy[pk]]
        return self.rng.sample(idle, min(size, len(idle)))


def _members(team: Organization) -> list[int]:
    return list(
        Membership.objects.filter(
            organization=team, ended_on__isnull=True, volunteer__status=VolunteerStatus.ACTIVE
        )
        .order_by("pk")
        .values_list("volunteer_id", flat=True)
    )


def _split(rng: random.Random, total: int, parts: int, spread: float = 0.5) -> list[int]:
    """``total`` in ``parts`` uneven whole parts that add up exactly."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def _convoy(s: _Season) -> None:
    """The 战勤 teams: disinfection (6,000,000+ m²) and road jobs (40+)."""
    rng = s.rng
    convoy, support = s.ctx.named[CONVOY], s.ctx.named[SUPPORT]
    crews = {convoy.pk: _members(convoy), support.pk: _members(support)}
    places = ["学校", "商场", "居民区", "农贸市场", "客运站"]
    days = sorted(rng.sample(_days(date(2021, 11, 1), date(2022, 3, 15)), DISINFECTION_DAYS))
    for day, area in zip(days, _split(rng, DISINFECTED_M2, DISINFECTION_DAYS), strict=True):
        kind = rng.choice(places)
        s.activity(
            convoy,
            title=f"疫情防控{kind}消杀",
            category=Category.DISINFECTION,
            place=f"{rng.choice(['桥东区', '桥西区', '宣化区', '经开区'])}{kind}",
            day=day,
            begin=8,
            hours=8,
            post="消杀作业组",
            people=s.free(crews[convoy.pk], day, rng.randint(6, 12)),
            outcomes=(("disinfected_m2", area),),
            description="对学校、商场、居民区等场所全面消杀。",
            risk_disclosure="消毒药剂有刺激性：全程佩戴防护服、护目镜和口罩。",
            insurance_required=True,
        )
    jobs = [
        (Category.ROAD_RESCUE, "雪后道路抢险", "trips"),
        (Category.TRANSPORT, "冬奥保障物资运输", "trips"),
        (Category.TRAFFIC, "赛区周边交通疏导", "vehicles_checked"),
        (Category.ROAD_RESCUE, "高速公路紧急救援", "people_treated"),
        (Category.BLOOD, "义务献血", "blood_ml"),
    ]
    days = sorted(rng.sample(_days(date(2021, 10, 15), date(2022, 3, 10)), ROAD_JOBS))
    for i, day in enumerate(days):
        team = convoy if i % 2 else support
        category, title, code = jobs[i % len(jobs)]
        people = s.free(crews[team.pk], day, rng.randint(4, 10))
        quantity = {
            "trips": rng.randint(3, 15),
            "vehicles_checked": rng.randint(200, 800),
            "people_treated": rng.randint(1, 6),
            "blood_ml": 300 * len(people),
        }[code]
        s.activity(
            team,
            title=title,
            category=category,
            place=rng.choice(["张石高速张家口段", "京藏高速张家口段", "G95首都环线崇礼段"]),
            day=day,
            begin=rng.choice([7, 8, 13]),
            hours=rng.choice([4, 6, 8]),
            post="车队",
            people=people,
            outcomes=((code, quantity),),
            description="道路抢险、物资运输、交通疏导、紧急救援、义务献血。",
            insurance_required=category != Category.BLOOD,
        )


def _city_volunteers(s: _Season) -> None:
    """40 veterans at the city's key places during the Games, 8 at each kind of place, each
    on post on the Games' days (every fourth day, so each serves several)."""
    rng = s.rng
    city = s.ctx.federations[data.CITY_CODE]
    admitted = list(
        Volunteer.objects.filter(status=VolunteerStatus.ACTIVE)
        .exclude(home_org__kind=Kind.STUDENT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(admitted, CITY_POST_PEOPLE * len(CITY_POSTS))
    for n, (kind, place, region) in enumerate(CITY_POSTS):
        group = chosen[n * CITY_POST_PEOPLE : (n + 1) * CITY_POST_PEOPLE]
        for day in _days(*GAMES)[n::4]:
            s.activity(
                city,
                title=f"“迎冬奥”城市志愿服务（{kind}）",
                category=Category.CIVILITY,
                place=place,
                day=day,
                begin=9,
                hours=6,
                post=f"{kind}服务岗",
                people=[pk for pk in group if day not in s.busy[pk]],
                region_id=s.ctx.regions[region].pk,
                description="城市交通枢纽、商业网点、旅游景点、医疗机构、住宿酒店等重点区域志愿服务。",
            )


def _teams(s: _Season) -> None:
    """Rescue teams' patrols, 人保东辰's community work, the charity teams' service days."""
    rng = s.rng
    rescue = [
        s.ctx.named[name]
        for name in (
            "崇礼蓝天应急救援队",
            "崇礼蓝天应急救援队山地搜救分队",
            "张家口蓝天救援队退役军人突击队",
            "宣化蓝天救援队退役军人分队",
            "怀来蓝天救援队退役军人分队",
            "张家口赛事应急救护队",
            "张家口红十字应急救援队",
        )
    ]
    pools = {team.pk: _members(team) for team in rescue}
    for i in range(RESCUE_PATROLS):
        team = rescue[i % len(rescue)]
        day = rng.choice(_days(date(2021, 11, 20), date(2022, 3, 13)))
        s.activity(
            team,
            title=rng.choice(["雪场安全巡逻", "山地搜救演练保障", "赛区周边应急值守"]),
            category=Category.PATROL,
            place=rng.choice(["崇礼区万龙滑雪场", "崇礼区云顶滑雪公园", "崇礼区太舞滑雪小镇"]),
            day=day,
            begin=8,
            hours=8,
            post="巡逻组",
            people=s.free(pools[team.pk], day, rng.randint(4, 8)),
            outcomes=(("people_treated", rng.randint(0, 4)),),
            description="雪道巡查、伤员初步处置与转运、迷途游客搜寻。",
            risk_disclosure="山地低温、雪道湿滑；两人一组，随身携带对讲机。",
            insurance_required=True,
        )
    community = s.ctx.named[COMMUNITY]
    crew = _members(community)
    work = [
        (Category.POVERTY_AID, "帮扶济困走访", "households_helped"),
        (Category.ENVIRONMENT, "老旧小区环境整治", "people_served"),
        (Category.PATROL, "小区治安巡查", "people_served"),
    ]
    for i, day in enumerate(sorted(rng.sample(_days(FIRST_DAY, LAST_DAY), COMMUNITY_DAYS))):
        category, title, code = work[i % len(work)]
        s.activity(
            community,
            title=title,
            category=category,
            place="桥西区老旧小区",
            day=day,
            begin=9,
            hours=3,
            post="社区服务岗",
            people=s.free(crew, day, rng.randint(5, 10)),
            outcomes=((code, rng.randint(5, 40)),),
            description="帮扶济困、环境整治、治安巡查：老旧小区自管自治。",
        )
    charity = s.ctx.named[data.CHARITY_FEDERATION]
    teams = Organization.objects.filter(parent=charity).order_by("pk")
    for team in teams:
        pool = _members(team)
        for day in sorted(rng.sample(_days(FIRST_DAY, LAST_DAY), CHARITY_DAYS_EACH)):
            s.activity(
                team,
                title=rng.choice(["敬老院关爱服务", "冬奥知识进社区", "雪后清扫便道"]),
                category=rng.choice([Category.POVERTY_AID, Category.CIVILITY, Category.SNOW_ICE]),
                place="张家口市主城区",
                day=day,
                begin=9,
                hours=3,
                post="服务组",
                people=s.free(pool, day, rng.randint(5, 12)),
            )


def _weekends(s: _Season, count: int) -> None:
    """``count`` weekend duty days over the grassroots and student teams, by the size of their
    admitted roster; every admitted veteran is on post at least once."""
    rng = s.rng
    weekend_days = [d for d in _days(FIRST_DAY, LAST_DAY) if d.weekday() >= 5]
    roster: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in (
        Volunteer.objects.exclude(status=VolunteerStatus.APPLIED)
        .filter(home_org__kind__in=[Kind.GRASSROOTS, Kind.STUDENT])
        .order_by("pk")
        .values_list("pk", "home_org_id")
    ):
        roster[org_id].append(pk)
    teams = list(
        Organization.objects.filter(pk__in=list(roster)).select_related("region").order_by("pk")
    )
    total = sum(len(roster[t.pk]) for t in teams)
    shares = {t.pk: max(1, round(count * len(roster[t.pk]) / total)) for t in teams}
    while sum(shares.values()) != count:
        team = rng.choice(teams)
        if sum(shares.values()) > count and shares[team.pk] > 1:
            shares[team.pk] -= 1
        elif sum(shares.values()) < count and shares[team.pk] < len(weekend_days):
            shares[team.pk] += 1
    for team in teams:
        people = roster[team.pk]
        days = sorted(rng.sample(weekend_days, shares[team.pk]))
        crews: list[list[int]] = []
        for day in days:
            size = max(1, round(len(people) * rng.uniform(0.35, 0.8)))
            crews.append(s.free(people, day, min(size, 30)))
        # Everyone of the team on post at least once.
        on_post = {pk for crew in crews for pk in crew}
        for pk in people:
            if pk in on_post:
                continue
            open_days = [i for i, day in enumerate(days) if day not in s.busy[pk]]
            if open_days:
                crews[rng.choice(open_days)].append(pk)
        for day, crew in zip(days, crews, strict=True):
            if not crew:
                crew = s.free(people, day, 1)
            post, where = rng.choice(WEEKEND_POSTS)
            s.activity(
                team,
                title=WEEKEND_TITLE,
                category=Category.CIVILITY,
                place=f"{team.region.name}{where}",
                day=day,
                begin=rng.choice([8, 9, 14]),
                hours=3,
                post=post,
                people=crew,
                outcomes=(("people_served", rng.randint(30, 300)),) if rng.random() < 0.5 else (),
                description="倡导公共文明、维持交通秩序、维护公共卫生。",
            )


def step_season(ctx: BuildContext) -> None:
    """The rest of the season's 2,790 activities (``demo.activities`` made the named ones)."""
    s = _Season(ctx, ctx.rng("season"))
    before = Activity.objects.filter(campaign=s.campaign).count()
    _convoy(s)
    _city_volunteers(s)
    _teams(s)
    _weekends(s, SEASON_ACTIVITIES - before - s.made)
    counts = s.rows.save({t.code: t for t in OutcomeType.objects.all()})
    ids = [a.pk for a in s.rows.activities]
    # auto_now_add stamped today; the services would have stamped the winter's times.
    Activity.objects.filter(pk__in=ids).update(
        created_at=F("starts_at") - timedelta(days=7), updated_at=F("ends_at") + timedelta(hours=2)
    )
    Shift.objects.filter(activity_id__in=ids).update(created_at=F("starts_at") - timedelta(days=7))
    SignUp.objects.filter(shift__activity_id__in=ids).update(created_at=F("confirmed_at"))
    Attendance.objects.filter(shift__activity_id__in=ids).update(
        in_received_at=F("in_at") + timedelta(minutes=1)
    )
    ctx.counts.update({f"season {k}": v for k, v in counts.items()})


# The ledger's columns, in the order ``step_season_ledger`` writes them.
LEDGER_COLUMNS = (
    "id",
    "organization_id",
    "seq",
    "region_id",
    "volunteer_id",
    "activity_id",
    "attendance_id",
    "refers_to_id",
    "source",
    "activity_name",
    "service_date",
    "service_year",
    "place",
    "content",
    "organizing_unit",
    "person_in_charge",
    "category",
    "minutes",
    "confirmed_minutes",
    "reason",
    "recorded_by_id",
    "recorded_by_name",
    "recorded_at",
    "prev_hash",
    "hash",
)


def step_season_ledger(ctx: BuildContext) -> None:
    """Every closed stay of the winter becomes a ledger record the day after its shift, as
    ``ledger-from-attendance`` makes it, and the organizing unit confirms it two to six days
    later (办法 Art 11: within 10 working days). Stays closed automatically wait for a leader.
    Each organization's chain runs in time order and is hashed as the services hash it."""
    rng = ctx.rng("season ledger")
    stays = list(
        Attendance.objects.filter(out_at__isnull=False, auto_closed=False, minutes__gt=0)
        .order_by("organization_id", "out_at", "pk")
        .values_list(
            "pk", "organization_id", "volunteer_id", "in_at", "out_at", "minutes", "shift_id"
        )
    )
    shifts = dict(Shift.objects.values_list("pk", "activity_id"))
    posts = dict(Shift.objects.values_list("pk", "post"))
    activities = {
        a.pk: a
        for a in Activity.objects.filter(pk__in=set(shifts.values())).select_related("organization")
    }
    events: dict[int, list[tuple[datetime, int, dict[str, Any]]]] = defaultdict(list)
    for n, (pk, org_id, volunteer_id, in_at, out_at, minutes, shift_id) in enumerate(stays):
        act = activities[shifts[shift_id]]
        assert out_at is not None  # closed stays only
        served_on = timezone.localtime(in_at, SHANGHAI).date()
        recorded = out_at.astimezone(SHANGHAI).replace(hour=1, minute=0, second=0, microsecond=0)
        recorded += timedelta(days=1, minutes=rng.randint(0, 59))
        record: dict[str, Any] = {
            "source": Source.ATTENDANCE.value,
            "volunteer_id": volunteer_id,
            "activity_id": act.pk,
            "region_id": act.region_id,
            "attendance_id": pk,
            "refers_to_id": None,
            "activity_name": act.title[:120],
            "service_date": served_on,
            "service_year": served_on.year,
            "place": act.place[:200],
            "content": act.description or posts[shift_id],
            "organizing_unit": act.organization.name[:100],
            "person_in_charge": (act.contact_name or act.organization.leader_name)[:50],
            "category": act.category,
            "minutes": minutes,
            "confirmed_minutes": 0,
            "reason": "",
            "recorded_by_id": None,
            "recorded_by_name": SYSTEM_NAME,
            "recorded_at": recorded,
        }
        confirmed = recorded + timedelta(days=rng.randint(2, 6), hours=rng.randint(8, 10))
        events[org_id].append((recorded, 2 * n, record))
        events[org_id].append((confirmed, 2 * n + 1, {"confirms": 2 * n}))
    rows: list[tuple[Any, ...]] = []
    next_id = 1
    ids: dict[int, int] = {}
    ops = connection.ops
    for org_id in sorted(events):
        prev = GENESIS
        by_key: dict[int, dict[str, Any]] = {}
        ordered = sorted(events[org_id], key=lambda e: (e[0], e[1]))
        for seq, (at, key, row) in enumerate(ordered, start=1):
            if "confirms" in row:
                original = by_key[row["confirms"]]
                org = activities[original["activity_id"]].organization
                row = {
                    **original,
                    "source": Source.CONFIRMATION.value,
                    "refers_to_id": ids[row["confirms"]],
                    "minutes": 0,
                    "confirmed_minutes": original["minutes"],
                    "recorded_by_name": org.leader_name[:150],
                    "recorded_at": at,
                }
            else:
                by_key[key] = row
            fields = {**row, "organization_id": org_id, "seq": seq}
            digest = entry_hash(fields, prev)
            fields.update(
                id=next_id,
                prev_hash=prev,
                hash=digest,
                service_date=ops.adapt_datefield_value(fields["service_date"]),
                recorded_at=ops.adapt_datetimefield_value(fields["recorded_at"]),
            )
            rows.append(tuple(fields[column] for column in LEDGER_COLUMNS))
            ids[key] = next_id
            next_id += 1
            prev = digest
    # Written as plain rows: 40,000 model instances through bulk_create cost the build seconds.
    table = LedgerEntry._meta.db_table
    # Table and column names are the model's own constants; the values go as parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(LEDGER_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(LEDGER_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
    # Explicit ids leave PostgreSQL's sequence behind: move it past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [LedgerEntry]):
            cursor.execute(sql)
    ctx.counts["ledger entries"] = len(rows)
    # What the scheduled task would still find: nothing but the stays waiting for a leader.
    ctx.counts["ledger entries left to the task"] = ledger_from_attendance()
