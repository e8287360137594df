"""Demo steps for skills, qualifications and training.

Skills come from every veteran's military specialty, as `volunteer_skills_derive` credits them,
and a few are self-declared. The specialist teams hold the certificates their work needs: the
13 members of the Red Cross first-aid team all hold a medical or first-aid certificate, the two
transport teams' members a driving licence, the rescue teams' members mostly a rescuer
certificate, and every active member of a specialist team accident insurance (志愿服务条例
Art 17). Training: courses run in autumn 2021 with attendance and results; passing some granted
a certificate, long expired by now.

Certificates still held are dated from the day of the build (``date.today()``), so the
expiring page always shows some (within 60, 30 and 7 days): the build is the same on any one
day, as the rest of the demo is the same on every day.
"""

from __future__ import annotations

import importlib
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.apps import apps

from vetserve.accounts.models import User
from vetserve.orgs.models import Kind, Organization, Specialty
from vetserve.people.models import Membership, Status, Volunteer
from vetserve.skills.models import (
    Course,
    Enrolment,
    MilitarySpecialtyMapping,
    Qualification,
    QualificationType,
    Skill,
    Source,
    TrainingSession,
    VolunteerSkill,
)

if TYPE_CHECKING:
    from vetserve.demo.builder import BuildContext

FIRST_AID_TEAM = "张家口红十字小黄人赛场救护志愿服务队"
TRANSPORT_TEAMS = ("张家口市退役军人战勤公益车队", "河北战勤应急保障大队")
MEDICAL_TYPES = ("physician", "nurse", "rc_first_aider", "first_aider_senior")
# Days left on the first-aid team's certificates that are about to expire: one per reminder.
EXPIRING_IN = (52, 24, 5)
SELF_DECLARED = (
    "snow_clearing",
    "order_maintenance",
    "material_transport",
    "psych_support",
    "english",
    "traffic_control",
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 1000


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def _members(team: Organization) -> list[int]:
    return list(
        Membership.objects.filter(organization=team, ended_on__isnull=True)
        .order_by("pk")
        .values_list("volunteer_id", flat=True)
    )


def step_catalogue(ctx: BuildContext) -> None:
    """The seeded catalogue again: the build empties every table, the migration's rows too."""
    seed = importlib.import_module("vetserve.skills.migrations.0002_catalogue").seed
    seed(apps, None)
    ctx.counts["qualification types"] = QualificationType.objects.count()


def step_skills(ctx: BuildContext) -> None:
    """Skills from the military specialty for everyone; a few more declared by volunteers."""
    rng = ctx.rng("skills")
    mappings = list(MilitarySpecialtyMapping.objects.values_list("specialty", "skill_id", "level"))
    skill_ids = dict(Skill.objects.values_list("code", "pk"))
    rows: list[VolunteerSkill] = []
    derived: dict[str, dict[int, int]] = {}
    for pk, specialty in Volunteer.objects.order_by("pk").values_list("pk", "military_specialty"):
        if specialty not in derived:
            # The rule of services.specialty_skills: a mapping counts when its text is contained.
            found: dict[int, int] = {}
            for text, skill_id, level in mappings:
                if specialty and text in specialty:
                    found[skill_id] = max(found.get(skill_id, 0), level)
            derived[specialty] = found
        have = derived[specialty]
        rows += [
            VolunteerSkill(volunteer_id=pk, skill_id=s, level=lv, source=Source.SPECIALTY)
            for s, lv in sorted(have.items())
        ]
        if rng.random() < 0.15:
            skill = skill_ids[rng.choice(SELF_DECLARED)]
            if skill not in have:
                rows.append(
                    VolunteerSkill(
                        volunteer_id=pk, skill_id=skill, level=rng.randint(1, 2), source=Source.SELF
                    )
                )
    VolunteerSkill.objects.bulk_create(rows, batch_size=BATCH)
    ctx.counts["volunteer skills"] = len(rows)


class _Certificates:
    """Builds held certificates, dated back from today."""

    def __init__(self, rng: random.Random, verifier: User, today: date) -> None:
        self.rng = rng
        self.verifier = verifier
        self.today = today
        self.types = {t.code: t for t in QualificationType.objects.all()}
        self.rows: list[Qualification] = []
        self.serial = 0

    def add(
        self,
        volunteer_id: int,
        code: str,
        *,
        days_left: int | None = None,
        verified: bool = True,
        issuer: str = "",
    ) -> None:
        qtype = self.types[code]
        rng = self.rng
        days = qtype.validity_days
        if days is None:
            issued = self.today - timedelta(days=rng.randint(400, 7000))
            expires = None
        elif days_left is not None:
            expires = self.today + timedelta(days=days_left)
            issued = expires - timedelta(days=days - 1)
        else:
            # At least 60 days left: only the chosen few show on the expiring page.
            issued = self.today - timedelta(days=rng.randint(20, max(21, days - 90)))
            expires = issued + timedelta(days=days - 1)
        self.serial += 1
        self.rows.append(
            Qualification(
                volunteer_id=volunteer_id,
                type=qtype,
                number=f"{code[:2].upper()}{issued.year}{self.serial:06d}",
                issuer=issuer or qtype.issuing_body,
                issued_on=issued,
                expires_on=expires,
                verified_by=self.verifier if verified else None,
                verified_at=_at(issued + timedelta(days=3)) if verified else None,
            )
        )


def step_qualifications(ctx: BuildContext) -> None:
    """Certificates for the specialist teams, mostly verified, a few expiring soon."""
    rng = ctx.rng("qualifications")
    today = date.today()
    certificates = _Certificates(rng, User.objects.get(username="admin"), today)
    teams = {t.name: t for t in Organization.objects.filter(kind=Kind.SPECIALIST).order_by("pk")}
    # The first-aid team: two doctors, two nurses, the rest first aiders; three expire soon.
    medics = _members(teams[FIRST_AID_TEAM])
    expiring = dict(zip(rng.sample(medics[4:], len(EXPIRING_IN)), EXPIRING_IN, strict=True))
    for i, pk in enumerate(medics):
        code = "physician" if i < 2 else "nurse" if i < 4 else rng.choice(MEDICAL_TYPES[2:])
        certificates.add(pk, code, days_left=expiring.get(pk))
        if i >= 4 and rng.random() < 0.3:
            certificates.add(pk, "health_check")
    # Drivers: every member of the transport teams holds a licence; some a heavier class.
    for name in TRANSPORT_TEAMS:
        for pk in _members(teams[name]):
            code = rng.choices(
                ["licence_c1", "licence_b2", "licence_a2", "licence_a1"], [60, 25, 10, 5]
            )[0]
            certificates.add(pk, code, verified=rng.random() > 0.05)
    # Rescue teams: most members hold the rescuer certificate.
    for team in teams.values():
        if team.specialty != Specialty.RESCUE:
            continue
        for pk in _members(team):
            if rng.random() < 0.6:
                certificates.add(pk, "rescuer", verified=rng.random() > 0.08)
    # Accident insurance for the active members of every specialist team, once per person.
    active = set(Volunteer.objects.filter(status=Status.ACTIVE).values_list("pk", flat=True))
    insured = sorted(
        {
            pk
            for pk in Membership.objects.filter(
                organization__kind=Kind.SPECIALIST, ended_on__isnull=True
            ).values_list("volunteer_id", flat=True)
            if pk in active
        }
    )
    for pk in insured:
        certificates.add(pk, "accident_insurance", verified=rng.random() > 0.03)
    Qualification.objects.bulk_create(certificates.rows, batch_size=BATCH)
    ctx.counts["qualifications"] = len(certificates.rows)


# (name, organizer, study hours, grants, content, sessions as (date, place, trainer, capacity))
COURSES = [
    (
        "急救技能培训",
        "张家口市红十字会",
        Decimal("16"),
        "rc_first_aider",
        "心肺复苏、AED 使用、创伤止血包扎、骨折固定与伤员搬运；考核合格发放救护员证。",
        [
            (date(2021, 9, 18), "张家口市红十字会培训中心", "刘红梅", 40),
            (date(2021, 10, 23), "崇礼区退役军人服务中心", "刘红梅", 40),
            (date(2021, 11, 13), "张北县退役军人服务站", "陈静", 40),
        ],
    ),
    (
        "应急救援培训",
        "崇礼蓝天应急救援队",
        Decimal("24"),
        "rescuer",
        "山地搜救、绳索救援、雪地行进与自救互救；考核合格发放应急救援员证。",
        [
            (date(2021, 10, 9), "崇礼区太舞滑雪小镇", "杨卫东", 30),
            (date(2021, 11, 6), "崇礼区西湾子镇", "杨卫东", 30),
        ],
    ),
    (
        "秩序维护培训",
        "崇礼区爱国拥军联合会",
        Decimal("4"),
        None,
        "赛区交通疏导、人群管理、突发情况报告流程。",
        [
            (date(2021, 10, 16), "崇礼区文化广场", "赵志强", 60),
            (date(2021, 11, 20), "崇礼区文化广场", "赵志强", 60),
        ],
    ),
    (
        "冬奥志愿服务通用培训",
        "张家口市爱国拥军联合会",
        Decimal("8"),
        None,
        "冬奥知识、礼仪规范、防疫要求与服务保障流程。",
        [(date(2021, 9, 25), "张家口市会展中心", "孟建华", 120)],
    ),
]


def step_training(ctx: BuildContext) -> None:
    """Courses in autumn 2021 with sessions, attendance and results; passing may grant."""
    rng = ctx.rng("training")
    admin = User.objects.get(username="admin")
    orgs = {o.name: o for o in Organization.objects.filter(name__in=[c[1] for c in COURSES])}
    types = {t.code: t for t in QualificationType.objects.all()}
    active = list(
        Volunteer.objects.filter(status=Status.ACTIVE).order_by("pk").values_list("pk", "region_id")
    )
    chongli = [pk for pk, region in active if str(region).startswith("130709")]
    everyone = [pk for pk, _region in active]
    courses = Course.objects.bulk_create(
        [
            Course(
                name=name,
                organizer=orgs[organizer],
                study_hours=hours,
                grants_type=types[grants] if grants else None,
                content=content,
            )
            for name, organizer, hours, grants, content, _sessions in COURSES
        ]
    )
    sessions: list[TrainingSession] = []
    for course, spec in zip(courses, COURSES, strict=True):
        for day, place, trainer, capacity in spec[5]:
            sessions.append(
                TrainingSession(
                    course=course,
                    date=day,
                    place=place,
                    trainer=trainer,
                    capacity=capacity,
                    results_recorded_at=_at(day + timedelta(days=2)),
                )
            )
    sessions = TrainingSession.objects.bulk_create(sessions)
    enrolments: list[Enrolment] = []
    taken: dict[int, set[int]] = defaultdict(set)  # course -> volunteers already enrolled
    for session in sessions:
        pool = chongli if session.course.organizer.region.code.startswith("130709") else everyone
        pool = [pk for pk in pool if pk not in taken[session.course_id]]
        size = min(len(pool), session.capacity - rng.randint(0, session.capacity // 5))
        for pk in sorted(rng.sample(pool, size)):
            taken[session.course_id].add(pk)
            attended = rng.random() < 0.92
            passed = attended and rng.random() < 0.88
            score = None
            if attended:
                score = Decimal(rng.randint(60, 100) if passed else rng.randint(35, 59))
            enrolments.append(
                Enrolment(
                    session=session,
                    volunteer_id=pk,
                    attended=attended,
                    passed=passed,
                    score=score,
                )
            )
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    # Passing a course that grants a certificate issued it, as session_record_results does.
    granted = []
    for enrolment in enrolments:
        course = enrolment.session.course
        qtype = course.grants_type
        if qtype is None or not enrolment.passed:
            continue
        day = enrolment.session.date
        days = course.grants_validity_days or qtype.validity_days
        granted.append(
            Qualification(
                volunteer_id=enrolment.volunteer_id,
                type=qtype,
                issuer=course.organizer.name,
                issued_on=day,
                expires_on=day + timedelta(days=days - 1) if days else None,
                origin=Qualification.Origin.TRAINING,
                enrolment=enrolment,
                verified_by=admin,
                verified_at=_at(day + timedelta(days=2)),
            )
        )
    Qualification.objects.bulk_create(granted, batch_size=BATCH)
    ctx.counts["training sessions"] = len(sessions)
    ctx.counts["enrolments"] = len(enrolments)
