"""Demo steps for the roster: 5,173 veterans registered, placed and badged as in the report.

Home organizations are the grassroots teams (属地) and the student teams; the specialist,
charity and rescue teams draw their members from the roster through memberships, as a
village veteran who also serves in a county rescue team would. 崇礼区 has 372 veterans; the
Red Cross first-aid team has 13 members; the 南杨庄乡 checkpoint team has 11. Every ID number is
fictitious (sequence 9nn, see `vetserve.people.fakes`).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from vetserve.accounts.models import User
from vetserve.badges.services import badges_issue_bulk
from vetserve.orgs.models import Kind, Organization
from vetserve.people.bulk import register_many
from vetserve.people.fakes import GIVEN, SURNAMES, fictitious_id_number
from vetserve.people.models import Branch, Membership, Party, Status, Volunteer
from vetserve.people.services import id_index
from vetserve.regions.models import Level

if TYPE_CHECKING:
    from vetserve.demo.builder import BuildContext

TOTAL = 5173
CHONGLI = "130709"
CHONGLI_TOTAL = 372
STUDENTS_PER_TEAM = 70
FIRST_AID_TEAM = "张家口红十字小黄人赛场救护志愿服务队"
CHECKPOINT_TEAM = "南杨庄乡退役军人抗疫志愿服务先锋队"
# Team sizes drawn from the roster (memberships); unnamed specialist teams get 12–40.
TEAM_SIZES = {
    FIRST_AID_TEAM: 13,
    CHECKPOINT_TEAM: 11,
    "崇礼蓝天应急救援队": 36,
    "崇礼蓝天应急救援队山地搜救分队": 12,
    "崇礼中国雪都退役军人志愿服务队": 60,
    "大德崇礼公益退役军人志愿服务队": 40,
}
SPECIALTIES = [
    ("驾驶员", Branch.ARMY),
    ("卫生员", Branch.ARMY),
    ("通信兵", Branch.ARMY),
    ("工程兵", Branch.ARMY),
    ("步兵", Branch.ARMY),
    ("侦察兵", Branch.ARMY),
    ("炮兵", Branch.ARMY),
    ("汽车修理工", Branch.ARMY),
    ("炊事员", Branch.ARMY),
    ("雷达兵", Branch.AIR_FORCE),
    ("机械师", Branch.AIR_FORCE),
    ("舰艇水兵", Branch.NAVY),
    ("导弹操作号手", Branch.ROCKET_FORCE),
    ("武警战士", Branch.ARMED_POLICE),
    ("消防员", Branch.ARMED_POLICE),
]
STREETS = ["建设路", "胜利路", "长青路", "东风路", "新华街", "和平街", "朝阳路", "光明路"]


def _weighted_split(rng: random.Random, total: int, buckets: int, minimum: int) -> list[int]:
    counts = [minimum] * buckets
    weights = [rng.uniform(0.3, 2.5) for _ in range(buckets)]
    scale = sum(weights)
    remaining = total - minimum * buckets
    shares = [int(remaining * w / scale) for w in weights]
    for i, share in enumerate(shares):
        counts[i] += share
    for i in rng.sample(range(buckets), total - sum(counts)):
        counts[i] += 1
    return counts


class _People:
    """Makes unique fictitious people: names, IDs, phones, veteran details."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.serial = 0

    def make(self, org: Organization, *, born: tuple[int, int], name: str = "") -> dict[str, Any]:
        rng = self.rng
        male = rng.random() < 0.94
        while True:
            self.serial += 1
            birth = date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
            county = org.region.code[:6]
            # Some people still carry the old county codes on their IDs (IDs never change).
            address = {"130708": "130729", "130709": "130733"}.get(county, county)
            if rng.random() > 0.15:
                address = county
            number = fictitious_id_number(
                address_code=address, birth_date=birth, male=male, serial=self.serial
            )
            if number not in self.ids:
                self.ids.add(number)
                break
        while True:
            phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
            if phone not in self.phones:
                self.phones.add(phone)
                break
        specialty, branch = rng.choice(SPECIALTIES)
        enlisted = birth.year + rng.randint(17, 21)
        discharged = min(enlisted + rng.choice([2, 2, 2, 3, 5, 8, 12, 16]), 2021)
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
        party = rng.choices(
            [Party.MEMBER, Party.LEAGUE, Party.NONE, Party.PROBATIONARY], [55, 15, 28, 2]
        )[0]
        return {
            "name": name or rng.choice(SURNAMES) + given,
            "gender": "male" if male else "female",
            "birth_date": birth,
            "id_number": number,
            "phone": phone,
            "home_org": org,
            "residence_region": org.region,
            "details": {
                "address": f"{org.region.name}{rng.choice(STREETS)}{rng.randint(1, 199)}号",
                "service_branch": branch,
                "enlisted_year": enlisted,
                "discharged_year": discharged,
                "military_specialty": specialty,
                "party": party,
                "emergency_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            },
        }


def step_volunteers(ctx: BuildContext) -> None:
    """5,173 veterans with their home teams; 372 of them in 崇礼区; 210 student veterans."""
    rng = ctx.rng("volunteers")
    people = _People(rng)
    orgs = list(Organization.objects.select_related("region").order_by("pk"))
    grassroots = [o for o in orgs if o.kind == Kind.GRASSROOTS]
    students = [o for o in orgs if o.kind == Kind.STUDENT]
    chongli = [o for o in grassroots if o.region.code.startswith(CHONGLI)]
    others = [o for o in grassroots if not o.region.code.startswith(CHONGLI)]
    rows: list[dict[str, Any]] = []
    for org in students:
        rows += [people.make(org, born=(1996, 2003)) for _ in range(STUDENTS_PER_TEAM)]
    # The logins of the demo have a record of their own: the volunteer and the team leader.
    xiwanzi = next(o for o in chongli if o.region.code == "130709100")
    rows.append(people.make(xiwanzi, born=(1968, 1975), name="李保国"))
    rows.append(people.make(xiwanzi, born=(1972, 1980), name="杨卫东"))
    for org, count in zip(
        chongli, _weighted_split(rng, CHONGLI_TOTAL - 2, len(chongli), 8), strict=True
    ):
        rows += [people.make(org, born=(1956, 2000)) for _ in range(count)]
    rest = TOTAL - len(rows)
    checkpoint_home = next(o for o in others if o.region.code == "130726202")
    for org, count in zip(others, _weighted_split(rng, rest, len(others), 3), strict=True):
        if org is checkpoint_home:
            count = max(count, 16)
        rows += [people.make(org, born=(1956, 2000)) for _ in range(count)]
    rows = rows[:TOTAL]
    admin = User.objects.get(username="admin")
    register_many(actor=admin, rows=rows, indexes=[id_index(r["id_number"]) for r in rows])
    # A few are not (or no longer) active, as on any real roster.
    ids = list(Volunteer.objects.order_by("pk").values_list("pk", flat=True))
    for status, share in ((Status.APPLIED, 0.02), (Status.SUSPENDED, 0.01), (Status.LEFT, 0.01)):
        chosen = rng.sample(ids[2:], int(len(ids) * share))
        Volunteer.objects.filter(pk__in=chosen, status=Status.ACTIVE).update(status=status)
    for username, name in (("volunteer", "李保国"), ("leader", "杨卫东")):
        Volunteer.objects.filter(home_org=xiwanzi, name=name).update(
            user=User.objects.get(username=username)
        )
    ctx.counts["volunteers"] = len(rows)


def step_memberships(ctx: BuildContext) -> None:
    """Specialist, charity and rescue teams draw members from the roster around them."""
    rng = ctx.rng("memberships")
    active = list(
        Volunteer.objects.filter(status=Status.ACTIVE)
        .exclude(home_org__kind=Kind.STUDENT)
        .values_list("pk", "region_id", "name")
        .order_by("pk")
    )
    by_county: dict[str, list[int]] = defaultdict(list)
    for pk, region_id, _name in active:
        by_county[str(region_id)[:6]].append(pk)
    everyone = [pk for pk, _r, _n in active]
    leader = next(pk for pk, _r, name in active if name == "杨卫东")
    teams = Organization.objects.filter(kind=Kind.SPECIALIST).select_related("region")
    memberships: list[Membership] = []
    for team in teams.order_by("pk"):
        county = team.region.code[:6]
        pool = everyone if team.region.level == Level.CITY else by_county[county]
        if team.name == CHECKPOINT_TEAM:
            pool = [pk for pk, region_id, _n in active if str(region_id).startswith("130726202")]
        size = min(TEAM_SIZES.get(team.name, rng.randint(12, 40)), len(pool))
        members = rng.sample(pool, size)
        if team.name == "崇礼蓝天应急救援队":
            members = [leader, *[m for m in members if m != leader]][:size]
        start = team.founded_on or date(2020, 1, 1)
        for i, pk in enumerate(members):
            role = (
                Membership.Role.LEADER
                if i == 0
                else Membership.Role.DEPUTY
                if i == 1
                else Membership.Role.MEMBER
            )
            memberships.append(
                Membership(volunteer_id=pk, organization=team, role=role, started_on=start)
            )
    Membership.objects.bulk_create(memberships, batch_size=1000)
    ctx.counts["memberships"] = len(memberships)


def step_badges(ctx: BuildContext) -> None:
    """Every active veteran holds a numbered badge, issued before the campaign's launch."""
    admin = User.objects.get(username="admin")
    volunteers = Volunteer.objects.filter(status=Status.ACTIVE).order_by("pk")
    ctx.counts["badges"] = len(
        badges_issue_bulk(actor=admin, volunteers=volunteers, issued_on=date(2021, 9, 30))
    )
