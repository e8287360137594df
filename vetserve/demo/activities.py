"""Demo steps for the 2021–2022 winter: the campaign, its activities, shifts, sign-ups,
attendance and outcome figures, as the report tells them.

- The campaign "相约冬奥—扛红旗、当先锋" of the city federation (2021-09-30 to 2022-03-20).
- 雪如意颁奖广场: 崇礼中国雪都退役军人志愿服务队 clear 8,000 m² of snow and ice in one day.
- 张石高速蔚县东检查站: the 11 veterans of 南杨庄乡 keep a 24-hour rotation of 3 shifts a day
  for 60 days, each over 130 hours on post; 5,500 vehicles and 11,000 people checked.
- The Red Cross first-aid team covers 200+ events (a representative set of event days, each
  covering several events).
- Weekend civility duty "迎冬奥、讲文明、树新风" by three teams, the volunteer login's among them.

Rows are written (``demo.activity_rows``) with the fields the services set (``activities.services``,
``attendance.services``): confirmed sign-ups with ``confirmed_at``; closed stays with scan
times, methods, keys and ``minutes`` as ``hours.served_minutes_between`` counts them, so
``attendance.selectors.served_minutes`` reads the hours. Dates, places' coordinates and
the split of figures over shifts are illustrative; the totals are the report's.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import F

from vetserve.accounts.models import User
from vetserve.activities.models import (
    Activity,
    Campaign,
    CampaignTarget,
    Category,
    OutcomeType,
    Shift,
    SignUp,
    SignUpState,
    Status,
)
from vetserve.attendance.models import Attendance
from vetserve.demo import data
from vetserve.demo.activity_rows import ActivityRows, new_key
from vetserve.orgs.models import Organization
from vetserve.people.models import Membership, Volunteer
from vetserve.people.models import Status as VolunteerStatus

if TYPE_CHECKING:
    from vetserve.demo.builder import BuildContext

SHANGHAI = ZoneInfo("Asia/Shanghai")

CAMPAIGN = "相约冬奥—扛红旗、当先锋"
SNOW_TEAM = "崇礼中国雪都退役军人志愿服务队"
CHECKPOINT_TEAM = "南杨庄乡退役军人抗疫志愿服务先锋队"
FIRST_AID_TEAM = "张家口红十字小黄人赛场救护志愿服务队"

SNOW_M2 = 8000
CHECKPOINT_DAYS = 60
CHECKPOINT_FIRST = date(2022, 1, 12)
CHECKPOINT_SHIFTS_EACH = 18  # 18 × 8 h = 144 h per person: "人均上岗超过130小时"
VEHICLES, PEOPLE_CHECKED = 5500, 11000
FIRST_AID_EVENTS = 206  # "应急救护保障超过200场"

# (title, place, region code, lat, lon) of the first-aid team's event days.
FIRST_AID_VENUES = [
    ("云顶滑雪公园赛事救护保障", "崇礼区云顶滑雪公园", "130709", "40.958000", "115.404000"),
    ("国家跳台滑雪中心赛事救护保障", "崇礼区国家跳台滑雪中心", "130709", "40.902500", "115.465000"),
    ("国家越野滑雪中心赛事救护保障", "崇礼区国家越野滑雪中心", "130709", "40.908000", "115.470000"),
    ("国家冬季两项中心赛事救护保障", "崇礼区国家冬季两项中心", "130709", "40.913000", "115.474000"),
    ("万龙滑雪场群众赛事救护保障", "崇礼区万龙滑雪场", "130709", "40.965000", "115.390000"),
    ("张家口市体育场群众冰雪活动救护保障", "张家口市体育场", "130702", "40.768000", "114.890000"),
    ("太舞滑雪小镇冰雪节救护保障", "崇礼区太舞滑雪小镇", "130709", "40.928000", "115.435000"),
]
# (organizer, region code, place, post, lat, lon) of the weekend civility duty.
CIVILITY = [
    (
        "雷锋精神志愿者服务队",
        "130702",
        "桥东区胜利路与建设路口",
        "路口文明引导岗",
        "40.767000",
        "114.892000",
    ),
    (
        "大德崇礼公益退役军人志愿服务队",
        "130709",
        "崇礼区长青路",
        "文明劝导岗",
        "40.974000",
        "115.282000",
    ),
    (
        "西湾子镇退役军人志愿服务队",
        "130709100",
        "西湾子镇文化广场",
        "广场秩序岗",
        "40.976000",
        "115.276000",
    ),
]
CIVILITY_SATURDAYS = [date(2021, 12, 4), date(2021, 12, 11), date(2021, 12, 18), date(2022, 1, 8)]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _members(team: Organization) -> list[int]:
    return list(
        Membership.objects.filter(
            organization=team, ended_on__isnull=True, volunteer__status=VolunteerStatus.ACTIVE
        )
        .order_by("pk")
        .values_list("volunteer_id", flat=True)
    )


def step_outcome_types(ctx: BuildContext) -> None:
    """The seeded outcome figures again: the build empties every table, the migration's too."""
    seed = importlib.import_module("vetserve.activities.migrations.0002_outcome_types").seed
    seed(apps, None)
    ctx.counts["outcome types"] = OutcomeType.objects.count()


def step_campaign(ctx: BuildContext) -> None:
    """The city federation's special action with its targets."""
    city = ctx.federations[data.CITY_CODE]
    admin = User.objects.get(username="admin")
    campaign = Campaign.objects.create(
        name=CAMPAIGN,
        organization=city,
        region_id=city.region_id,
        starts_on=date(2021, 9, 30),
        ends_on=date(2022, 3, 20),
        description="“相约冬奥—扛红旗、当先锋”退役军人志愿服务专项行动：项目式管理、工程化推进，"
        "8支退役军人志愿服务队授旗，全市退役军人志愿服务队定期开展志愿服务活动。",
        target_activities=2790,
        target_volunteers=5173,
        target_hours=100000,
        created_by=admin,
    )
    types = dict(OutcomeType.objects.values_list("code", "pk"))
    CampaignTarget.objects.bulk_create(
        CampaignTarget(campaign=campaign, outcome_type_id=types[code], quantity=Decimal(q))
        for code, q in (
            ("snow_cleared_m2", 8000),
            ("events_covered", 200),
            ("vehicles_checked", 5000),
            ("people_checked", 10000),
            ("disinfected_m2", 6000000),
        )
    )
    launch = _at(date(2021, 9, 26), 10)
    Campaign.objects.filter(pk=campaign.pk).update(created_at=launch, updated_at=launch)
    ctx.counts["campaigns"] = 1


def step_activities(ctx: BuildContext) -> None:
    """The winter's activities with shifts, confirmed sign-ups, closed stays and figures."""
    rng = ctx.rng("activities")
    campaign = Campaign.objects.get(name=CAMPAIGN)
    admin = User.objects.get(username="admin")
    users = dict(
        Volunteer.objects.filter(user__isnull=False).values_list("pk", "user_id").order_by("pk")
    )
    rows = ActivityRows(rng, users, [], [], [], [], [])

    def activity(org: Organization, region: str, **fields: object) -> Activity:
        made = Activity(
            campaign=campaign,
            organization=org,
            region=ctx.regions[region],
            status=Status.FINISHED,
            contact_name=org.leader_name,
            created_by=admin,
            **fields,
        )
        rows.activities.append(made)
        return made

    def shift(act: Activity, post: str, begin: datetime, end: datetime, **people: int) -> Shift:
        made = Shift(activity=act, post=post, starts_at=begin, ends_at=end, **people)
        rows.shifts.append(made)
        return made

    def staff(made: Shift, volunteers: list[int], how: str = "normal") -> None:
        for pk in volunteers:
            confirmed = made.starts_at - timedelta(
                days=rng.randint(1, 6), minutes=rng.randint(0, 600)
            )
            rows.signups.append((made, pk, confirmed))
            rows.stays.append((len(rows.signups) - 1, how))

    # 雪如意颁奖广场: one day, two posts, 8,000 m².
    snow_team = ctx.named[SNOW_TEAM]
    day = date(2021, 12, 3)
    snow = activity(
        snow_team,
        data.CHONGLI_CODE,
        title="雪如意颁奖广场清雪除冰",
        category=Category.SNOW_ICE,
        place="崇礼区国家跳台滑雪中心（雪如意）颁奖广场",
        lat=Decimal("40.902500"),
        lon=Decimal("115.465000"),
        starts_at=_at(day, 6),
        ends_at=_at(day, 18),
        description="“相约北京”测试赛前突降大雪，颁奖广场场地受限、大型机械无法进入，"
        "队员人工清扫，一天完成清雪除冰。",
        risk_disclosure="雪后路面湿滑，注意防滑防冻；使用工具时保持间距。",
        insurance_required=True,
    )
    members = rng.sample(_members(snow_team), 40)
    for (post, share), group in zip(
        [("颁奖广场东区", 4300), ("颁奖广场西区及通道", SNOW_M2 - 4300)],
        [members[:20], members[20:]],
        strict=True,
    ):
        made = shift(
            snow, post, _at(day, 7), _at(day, 17), min_people=15, wanted_people=20, max_people=20
        )
        staff(made, sorted(group))
        rows.outcomes.append((snow, made, "snow_cleared_m2", share, ""))

    # 张石高速蔚县东检查站: 3 shifts a day for 60 days; 18 shifts for each of the 11.
    checkpoint_team = ctx.named[CHECKPOINT_TEAM]
    guards = _members(checkpoint_team)
    first = _at(CHECKPOINT_FIRST, 0)
    checkpoint = activity(
        checkpoint_team,
        "130726",
        title="张石高速蔚县东检查站疫情防控值勤",
        category=Category.CHECKPOINT,
        place="张石高速蔚县东检查站",
        lat=Decimal("39.852000"),
        lon=Decimal("114.680000"),
        starts_at=first,
        ends_at=first + timedelta(days=CHECKPOINT_DAYS),
        description="协助查验过往车辆和人员的健康码、行程卡，测温登记。",
        risk_disclosure="疫情防控一线：全程佩戴口罩、手套，按规定消毒；夜间注意交通安全。",
        insurance_required=True,
    )
    series = new_key(rng)
    slots = CHECKPOINT_SHIFTS_EACH * len(guards)
    windows = 3 * CHECKPOINT_DAYS
    doubled = set(rng.sample(range(windows), slots - windows))  # busy shifts with two on post
    turn = 0
    checkpoint_shifts = []
    for i in range(windows):
        begin = first + timedelta(hours=8 * i)
        made = shift(
            checkpoint,
            "检查站入口",
            begin,
            begin + timedelta(hours=8),
            min_people=1,
            wanted_people=2,
            max_people=2,
        )
        made.series = series
        checkpoint_shifts.append(made)
        on_post = []
        for _ in range(2 if i in doubled else 1):
            on_post.append(guards[turn % len(guards)])
            turn += 1
        staff(made, on_post, "full")
    # The figures, per ten-day period, adding up to the report's totals.
    periods = [checkpoint_shifts[i : i + 30] for i in range(0, windows, 30)]
    for code, total in (("vehicles_checked", VEHICLES), ("people_checked", PEOPLE_CHECKED)):
        parts = [rng.randint(80, 120) for _ in periods]
        split = [total * p // sum(parts) for p in parts]
        split[-1] += total - sum(split)
        for period, quantity in zip(periods, split, strict=True):
            note = f"{period[0].starts_at:%m-%d}至{period[-1].starts_at:%m-%d}"
            rows.outcomes.append((checkpoint, period[-1], code, quantity, note))

    # The first-aid team: event days, each covering several events; 206 in all.
    medic_team = ctx.named[FIRST_AID_TEAM]
    medics = _members(medic_team)
    days = sorted(rng.sample(range((date(2022, 3, 13) - date(2021, 10, 9)).days + 1), 26))
    events = [rng.randint(5, 10) for _ in days]
    while sum(events) < FIRST_AID_EVENTS:
        events[rng.randrange(len(events))] += 1
    for offset, count in zip(days, events, strict=True):
        day = date(2021, 10, 9) + timedelta(days=offset)
        title, place, region, lat, lon = rng.choice(FIRST_AID_VENUES)
        cover = activity(
            medic_team,
            region,
            title=title,
            category=Category.FIRST_AID,
            place=place,
            lat=Decimal(lat),
            lon=Decimal(lon),
            starts_at=_at(day, 7, 30),
            ends_at=_at(day, 17, 30),
            description="赛场保障、现场急救和急救技能宣传。",
            risk_disclosure="雪场低温、坡陡：穿戴防寒装备，听从赛事医疗官调度。",
            insurance_required=True,
        )
        made = shift(
            cover,
            "赛道医疗站",
            _at(day, 8),
            _at(day, 17),
            min_people=3,
            wanted_people=4,
            max_people=6,
        )
        staff(made, sorted(rng.sample(medics, rng.randint(3, 6))))
        rows.outcomes.append((cover, None, "events_covered", count, ""))
        treated = rng.choice([0, 0, 1, 2, 3, 5])
        if treated:
            rows.outcomes.append((cover, None, "people_treated", treated, ""))

    # Weekend civility duty, four Saturday mornings for each of three teams.
    teams = {o.name: o for o in Organization.objects.filter(name__in=[c[0] for c in CIVILITY])}
    login_volunteer = Volunteer.objects.get(user__username="volunteer").pk
    for name, region, place, post, lat, lon in CIVILITY:
        team = teams[name]
        pool = _members(team) or list(
            Volunteer.objects.filter(home_org=team, status=VolunteerStatus.ACTIVE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        duty = activity(
            team,
            region,
            title="“迎冬奥、讲文明、树新风”周末志愿服务",
            category=Category.CIVILITY,
            place=place,
            lat=Decimal(lat),
            lon=Decimal(lon),
            starts_at=_at(CIVILITY_SATURDAYS[0], 8, 30),
            ends_at=_at(CIVILITY_SATURDAYS[-1], 12),
            description="倡导公共文明、维持交通秩序、维护公共卫生。",
        )
        series = new_key(rng)
        for saturday in CIVILITY_SATURDAYS:
            made = shift(
                duty,
                post,
                _at(saturday, 9),
                _at(saturday, 12),
                min_people=6,
                wanted_people=10,
                max_people=12,
            )
            made.series = series
            chosen = set(rng.sample(pool, min(len(pool), rng.randint(8, 12))))
            if login_volunteer in pool and len(chosen) < 12:
                chosen.add(login_volunteer)
            staff(made, sorted(chosen))
            rows.outcomes.append((duty, made, "people_served", rng.randint(150, 600), ""))

    counts = rows.save({t.code: t for t in OutcomeType.objects.all()})
    # auto_now_add stamped today; the services would have stamped the winter's times.
    Activity.objects.update(
        created_at=F("starts_at") - timedelta(days=10), updated_at=F("ends_at") + timedelta(hours=2)
    )
    Shift.objects.update(created_at=F("starts_at") - timedelta(days=7))
    SignUp.objects.update(created_at=F("confirmed_at"))
    Attendance.objects.update(in_received_at=F("in_at") + timedelta(minutes=1))
    ctx.counts.update(counts)


RESCUE_TEAM = "崇礼蓝天应急救援队"


def step_today(ctx: BuildContext) -> None:
    """One activity under way on the day the demo is built, so the pages can be tried live: the
    leader login's rescue team patrols a ski resort today (two shifts, three people on each
    roster, none checked in yet) and tomorrow and the day after (shifts open for sign-up).
    Dated from the build day, at whole hours, so two builds on one day are the same."""
    rng = ctx.rng("today")
    team = ctx.named[RESCUE_TEAM]
    leader = User.objects.get(username="leader")
    today = datetime.now(SHANGHAI).date()
    patrol = Activity.objects.create(
        title="雪季雪场安全巡逻",
        category=Category.PATROL,
        organization=team,
        region=ctx.regions[data.CHONGLI_CODE],
        place="崇礼区万龙滑雪场",
        lat=Decimal("40.963000"),
        lon=Decimal("115.393000"),
        starts_at=_at(today, 6),
        ends_at=_at(today + timedelta(days=2), 18),
        status=Status.UNDER_WAY,
        contact_name=team.leader_name,
        description="雪道巡查、伤员初步处置与转运、迷途游客搜寻。",
        risk_disclosure="山地低温、雪道湿滑；巡逻两人一组，随身携带对讲机。",
        insurance_required=True,
        created_by=leader,
    )
    # Two eight-hour shifts today (the daily limit is 12 hours), so one is on from 06:00 to 22:00.
    today_shifts = [
        Shift.objects.create(
            activity=patrol,
            post="雪场主入口",
            starts_at=_at(today, begin),
            ends_at=_at(today, begin + 8),
            min_people=2,
            wanted_people=4,
            max_people=6,
        )
        for begin in (6, 14)
    ]
    for day in (1, 2):
        Shift.objects.create(
            activity=patrol,
            post="山顶巡逻点",
            starts_at=_at(today + timedelta(days=day), 8),
            ends_at=_at(today + timedelta(days=day), 16),
            min_people=4,
            wanted_people=6,
            max_people=10,
        )
    roster = sorted(rng.sample(_members(team), 6))
    SignUp.objects.bulk_create(
        SignUp(
            shift=today_shifts[i // 3],
            volunteer_id=pk,
            state=SignUpState.CONFIRMED,
            confirmed_at=_at(today - timedelta(days=1), 20),
            added_by=leader,
        )
        for i, pk in enumerate(roster)
    )
    ctx.counts["activities under way today"] = 1
