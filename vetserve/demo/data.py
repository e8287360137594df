"""What the demo city is made of: the bodies and teams named in the 2022 Zhangjiakou report.

The report: 河北新闻网, 2022-02-11, "河北张家口退役军人志愿服务助力冬奥". Names it gives are used as
printed; the other team names, every village, leader and founding date are made up (see
docs/demo.md). Where a team sits is illustrative: the report names teams, not addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vetserve.orgs.models import Kind, Specialty

CITY_CODE = "130700"
CHONGLI_CODE = "130709"

CITY_FEDERATION = "张家口市爱国拥军联合会"
FEDERATION_SUFFIX = "爱国拥军联合会"

# The launch of the campaign "相约冬奥—扛红旗、当先锋", where 8 teams received flags. The report
# gives no date; autumn 2021 is when the campaign ran.
FLAG_DAY = date(2021, 9, 28)

# Grassroots teams: one per township, plus this many village teams on demo villages.
VILLAGE_TEAMS = 366  # 246 township teams + 366 village teams = 612 (the report's figure)
# 崇礼区 has 17 teams in all (report): 11 township teams, 4 named teams below, 2 village teams.
CHONGLI_VILLAGE_TEAMS = 2
# The flagged grassroots team (the other 7 flags are on named teams below).
FLAGGED_TOWNSHIP_TEAMS = ("130709100",)  # 西湾子镇

CHARITY_FEDERATION = "张家口慈善义工联合会"
RED_CROSS = "张家口市红十字会"
BLUE_SKY = "张家口蓝天救援队"
HEBEI_ARCHITECTURE = "河北建筑工程学院"
HEBEI_NORTH = "河北北方学院"


@dataclass(frozen=True)
class OrgSpec:
    """One named organization. ``parent`` is a region code (that region's federation), the name
    of an organization listed before it, or "" for a root."""

    name: str
    kind: str
    region: str
    parent: str = ""
    specialty: str = Specialty.GENERAL
    flag: bool = False
    description: str = ""
    leader: str = ""  # made up when empty


# Partner bodies: independent organizations the federations work with; roots of their own trees.
PARTNERS = [
    OrgSpec(
        CHARITY_FEDERATION,
        Kind.PARTNER,
        CITY_CODE,
        specialty=Specialty.CIVILITY,
        description="联合组建退役军人志愿服务队17支。",
    ),
    OrgSpec(RED_CROSS, Kind.PARTNER, CITY_CODE, specialty=Specialty.FIRST_AID),
    OrgSpec(BLUE_SKY, Kind.PARTNER, CITY_CODE, specialty=Specialty.RESCUE),
    OrgSpec(HEBEI_ARCHITECTURE, Kind.PARTNER, "130702"),
    OrgSpec(HEBEI_NORTH, Kind.PARTNER, "130771"),
]

# The 17 teams formed with the city charity federation; the first three are named in the report.
CHARITY_TEAMS = [
    OrgSpec(
        "雷锋精神志愿者服务队",
        Kind.SPECIALIST,
        CITY_CODE,
        CHARITY_FEDERATION,
        Specialty.CIVILITY,
        flag=True,
    ),
    *(
        OrgSpec(name, Kind.SPECIALIST, CITY_CODE, CHARITY_FEDERATION, specialty)
        for name, specialty in [
            ("阳光行志愿者服务队", Specialty.CIVILITY),
            ("爱在路上志愿者服务队", Specialty.CIVILITY),
            ("老兵之家志愿者服务队", Specialty.GENERAL),
            ("橄榄绿志愿者服务队", Specialty.CIVILITY),
            ("军魂志愿者服务队", Specialty.GENERAL),
            ("迷彩志愿者服务队", Specialty.CIVILITY),
            ("八一志愿者服务队", Specialty.GENERAL),
            ("红星志愿者服务队", Specialty.CIVILITY),
            ("铁军志愿者服务队", Specialty.GENERAL),
            ("拥军爱民志愿者服务队", Specialty.CIVILITY),
            ("文明交通志愿者服务队", Specialty.TRAFFIC),
            ("助老扶幼志愿者服务队", Specialty.GENERAL),
            ("爱心助学志愿者服务队", Specialty.GENERAL),
            ("绿色家园志愿者服务队", Specialty.CIVILITY),
            ("夕阳红志愿者服务队", Specialty.GENERAL),
            ("暖心志愿者服务队", Specialty.CIVILITY),
        ]
    ),
]

# The 9 teams built around professional rescue forces, veterans as the backbone.
RESCUE_TEAMS = [
    OrgSpec(
        "崇礼蓝天应急救援队",
        Kind.SPECIALIST,
        CHONGLI_CODE,
        BLUE_SKY,
        Specialty.RESCUE,
        flag=True,
        description="冬奥筹备、赛事服务、应急救援志愿服务主力军之一。",
        leader="杨卫东",  # the `leader` demo login
    ),
    OrgSpec(
        "张家口蓝天救援队退役军人突击队", Kind.SPECIALIST, CITY_CODE, BLUE_SKY, Specialty.RESCUE
    ),
    OrgSpec("宣化蓝天救援队退役军人分队", Kind.SPECIALIST, "130705", BLUE_SKY, Specialty.RESCUE),
    OrgSpec("怀来蓝天救援队退役军人分队", Kind.SPECIALIST, "130730", BLUE_SKY, Specialty.RESCUE),
    OrgSpec("张家口赛事应急救护队", Kind.SPECIALIST, CITY_CODE, RED_CROSS, Specialty.FIRST_AID),
    OrgSpec(
        "张家口红十字小黄人赛场救护志愿服务队",
        Kind.SPECIALIST,
        CITY_CODE,
        RED_CROSS,
        Specialty.FIRST_AID,
        flag=True,
        description="吸纳具备专业医护资格和急救资质的退役军人13名，提供赛场保障、现场急救和"
        "急救技能宣传等服务。",
    ),
    OrgSpec("张家口红十字应急救援队", Kind.SPECIALIST, CITY_CODE, RED_CROSS, Specialty.RESCUE),
    OrgSpec(
        "张家口市退役军人战勤公益车队",
        Kind.SPECIALIST,
        CITY_CODE,
        CITY_CODE,
        Specialty.TRANSPORT,
        flag=True,
        description="道路抢险、物资运输、交通疏导、紧急救援、义务献血；疫情期间对学校、商场、"
        "居民区等场所进行消杀。",
    ),
    OrgSpec(
        "河北战勤应急保障大队",
        Kind.SPECIALIST,
        CITY_CODE,
        CITY_CODE,
        Specialty.TRANSPORT,
        flag=True,
    ),
]

# 崇礼区's own named teams (with its grassroots teams: 17 in all, as in the report).
CHONGLI_TEAMS = [
    OrgSpec(
        "崇礼中国雪都退役军人志愿服务队",
        Kind.SPECIALIST,
        CHONGLI_CODE,
        CHONGLI_CODE,
        flag=True,
        description="雪如意颁奖广场一天清雪除冰8000余平方米。",
    ),
    OrgSpec(
        "大德崇礼公益退役军人志愿服务队",
        Kind.SPECIALIST,
        CHONGLI_CODE,
        CHONGLI_CODE,
        Specialty.CIVILITY,
        flag=True,
    ),
    # A sub-team, so the demo shows "a team and all its sub-teams" for the team leader login.
    OrgSpec(
        "崇礼蓝天应急救援队山地搜救分队",
        Kind.SPECIALIST,
        "130709101",
        "崇礼蓝天应急救援队",
        Specialty.RESCUE,
    ),
]

STUDENT_TEAMS = [
    OrgSpec(
        "河北建筑工程学院大学生退役军人志愿服务队",
        Kind.STUDENT,
        "130702",
        HEBEI_ARCHITECTURE,
    ),
    OrgSpec("河北北方学院大学生退役军人志愿服务队", Kind.STUDENT, "130771", HEBEI_NORTH),
    OrgSpec(
        "河北北方学院退役大学生医疗救护志愿服务队",
        Kind.STUDENT,
        "130771",
        HEBEI_NORTH,
        Specialty.FIRST_AID,
    ),
]

# Further teams the report names for what they did.
OTHER_TEAMS = [
    OrgSpec(
        "南杨庄乡退役军人抗疫志愿服务先锋队",
        Kind.SPECIALIST,
        "130726202",
        "130726",
        Specialty.EPIDEMIC,
        description="11名退役军人自发成立，在张石高速蔚县东检查站值勤，人均上岗超过130小时。",
    ),
    OrgSpec(
        "人保东辰退役军人志愿服务队",
        Kind.SPECIALIST,
        "130703",
        "130703",
        description="帮扶济困、环境整治、治安巡查；老旧小区自管自治示范。",
    ),
]

NAMED_TEAMS = [*CHARITY_TEAMS, *RESCUE_TEAMS, *CHONGLI_TEAMS, *STUDENT_TEAMS, *OTHER_TEAMS]


@dataclass(frozen=True)
class LoginSpec:
    """A demo login: a role held in a region (by code) or an organization (by name), or the
    superuser when ``role`` is empty."""

    username: str
    display_name: str
    role: str = ""
    region: str = ""
    organization: str = ""


# Made-up people; one login per role, all with the same printed password.
LOGINS = [
    LoginSpec("admin", "系统管理员"),
    LoginSpec("city", "孟建华", "city_admin", region=CITY_CODE),
    LoginSpec("chongli", "赵志强", "county_admin", region=CHONGLI_CODE),
    LoginSpec("zhangbei", "刘海峰", "county_admin", region="130722"),
    LoginSpec("xiwanzi", "王振华", "township_admin", region="130709100"),
    LoginSpec("leader", "杨卫东", "org_leader", organization="崇礼蓝天应急救援队"),
    LoginSpec("volunteer", "李保国", "volunteer", organization="西湾子镇退役军人志愿服务队"),
    LoginSpec("auditor", "周立新", "auditor", region=CHONGLI_CODE),
]
DEMO_PASSWORD = "vetserve-demo"  # noqa: S105 - printed on screen; the demo holds only fake data

# Village names: a surname + 家 or a descriptive word, then a landform common on the 坝上
# plateau and in the mountain valleys around Zhangjiakou (营, 堡, 沟, 窑子 …).
VILLAGE_FIRST = "东西南北前后上下大小新老高红石马杨柳榆白黄黑"
VILLAGE_SURNAMES = "王李张刘赵孙周吴郑冯陈杨郝段郭韩乔闫贾田"
VILLAGE_LANDFORMS = (
    "沟",
    "营",
    "堡",
    "庄",
    "窑",
    "梁",
    "湾",
    "台",
    "坝",
    "滩",
    "房",
    "屯",
    "井",
    "峪",
    "洼",
    "寨",
    "窑子",
    "营子",
    "房子",
    "沟门",
    "梁子",
    "坊",
)
