"""Reads of skills, qualifications and training, and the loader behind the eligibility check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.core.access import VIEW, Actor, access_object
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer, birth_date_of
from vetserve.skills.eligibility import (
    Decision,
    HeldQualification,
    ManyResult,
    QualificationCatalogue,
    QualificationTypeInfo,
    Requirement,
    SkillNeed,
    VolunteerFacts,
    check,
    check_many,
)
from vetserve.skills.models import (
    Course,
    Enrolment,
    MilitarySpecialtyMapping,
    Qualification,
    QualificationType,
    Skill,
    TrainingSession,
    VolunteerSkill,
)

# --- lists and objects, scoped ----------------------------------------------------------------


def volunteer_skill_list(
    *, user: Actor | None, volunteer: Volunteer | None = None, action: str = VIEW
) -> QuerySet[VolunteerSkill]:
    qs = VolunteerSkill.objects.visible_to(user, action)
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    return qs.select_related("skill", "volunteer")


def qualification_list(
    *,
    user: Actor | None,
    volunteer: Volunteer | None = None,
    include_revoked: bool = False,
    action: str = VIEW,
) -> QuerySet[Qualification]:
    qs = Qualification.objects.visible_to(user, action)
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    if not include_revoked:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.select_related("type", "volunteer", "volunteer__home_org")


def access_qualification(
    user: Actor | None, qualification_id: Any, action: str = VIEW
) -> Qualification:
    return access_object(
        Qualification.objects.select_related("type", "volunteer", "volunteer__home_org"),
        user,
        action,
        pk=qualification_id,
    )


def qualifications_expiring(
    *,
    user: Actor | None,
    within_days: int,
    today: date | None = None,
    organization: Organization | None = None,
) -> QuerySet[Qualification]:
    """Valid qualifications the user may see that expire within ``within_days`` from today
    (inclusive), soonest first; optionally of one organization and its sub-organizations."""
    today = today or timezone.localdate()
    qs = qualification_list(user=user).filter(
        expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days)
    )
    if organization is not None:
        qs = qs.filter(volunteer__home_org__path__startswith=organization.path)
    return qs.order_by("expires_on", "volunteer__name", "id")


def course_list(*, user: Actor | None, action: str = VIEW) -> QuerySet[Course]:
    return Course.objects.visible_to(user, action).select_related("organizer", "grants_type")


def access_course(user: Actor | None, course_id: Any, action: str = VIEW) -> Course:
    return access_object(
        Course.objects.select_related("organizer", "grants_type"), user, action, pk=course_id
    )


def session_list(
    *, user: Actor | None, course: Course | None = None, action: str = VIEW
) -> QuerySet[TrainingSession]:
    qs = TrainingSession.objects.visible_to(user, action)
    if course is not None:
        qs = qs.filter(course=course)
    return qs.select_related("course", "course__organizer")


def access_session(user: Actor | None, session_id: Any, action: str = VIEW) -> TrainingSession:
    return access_object(
        TrainingSession.objects.select_related("course", "course__organizer"),
        user,
        action,
        pk=session_id,
    )


def enrolment_list(
    *,
    user: Actor | None,
    session: TrainingSession | None = None,
    volunteer: Volunteer | None = None,
) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.visible_to(user)
    if session is not None:
        qs = qs.filter(session=session)
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    return qs.select_related("volunteer", "session", "session__course")


def training_hours(volunteer: Volunteer) -> Decimal:
    """Study hours of the courses attended: training, kept apart from service hours."""
    total = Enrolment.objects.filter(volunteer=volunteer, attended=True).aggregate(
        hours=Sum("session__course__study_hours")
    )["hours"]
    return total or Decimal("0")


# --- eligibility: the database side -----------------------------------------------------------


def qualification_catalogue() -> QualificationCatalogue:
    """The catalogue the eligibility core works on: three queries."""
    includes: dict[int, set[int]] = defaultdict(set)
    through = QualificationType.includes.through
    for from_id, to_id in through.objects.values_list(
        "from_qualificationtype_id", "to_qualificationtype_id"
    ):
        includes[from_id].add(to_id)
    types = [
        QualificationTypeInfo(
            id=pk, name=name, includes=frozenset(includes[pk]), is_insurance=insurance
        )
        for pk, name, insurance in QualificationType.objects.values_list(
            "id", "name", "is_insurance"
        )
    ]
    return QualificationCatalogue(types, dict(Skill.objects.values_list("id", "name")))


def eligibility_facts(volunteers: QuerySet[Volunteer]) -> list[VolunteerFacts]:
    """The facts of every volunteer in ``volunteers``, in three queries whatever their number:
    the volunteers, their skills, their unrevoked qualifications (the latter two filtered by a
    subquery, not by a list of ids)."""
    ids = volunteers.values("pk")
    skills: dict[int, dict[int, int]] = defaultdict(dict)
    for volunteer_id, skill_id, level in VolunteerSkill.objects.filter(
        volunteer__in=ids
    ).values_list("volunteer_id", "skill_id", "level"):
        skills[volunteer_id][skill_id] = level
    held: dict[int, list[HeldQualification]] = defaultdict(list)
    for volunteer_id, type_id, expires_on, verified_at in Qualification.objects.filter(
        volunteer__in=ids, revoked_at__isnull=True
    ).values_list("volunteer_id", "type_id", "expires_on", "verified_at"):
        held[volunteer_id].append(
            HeldQualification(type_id, expires_on, verified=verified_at is not None)
        )
    return [
        VolunteerFacts(
            id=pk,
            birth_date=birth_date_of(birth),
            skills=skills.get(pk, {}),
            qualifications=tuple(held.get(pk, ())),
            health_declared_on=health,
        )
        for pk, birth, health in volunteers.order_by().values_list(
            "pk", "birth_date_enc", "health_declared_on"
        )
    ]


def eligibility_for(
    volunteer: Volunteer,
    requirement: Requirement,
    at: datetime | None = None,
    catalogue: QualificationCatalogue | None = None,
) -> Decision:
    """May this volunteer do this at ``at`` (default now)? Yes or no, with the reasons."""
    if requirement.asks_nothing:
        # Most shifts ask nothing; a sign-up then reads no skill, qualification or catalogue.
        return Decision(ok=True)
    (facts,) = eligibility_facts(Volunteer.objects.filter(pk=volunteer.pk))
    return check(facts, requirement, at or timezone.now(), catalogue or qualification_catalogue())


def eligibility_many(
    volunteers: QuerySet[Volunteer],
    requirements: Sequence[Requirement],
    at: datetime | None = None,
) -> ManyResult:
    """Who among ``volunteers`` meets each requirement: one load, one evaluation."""
    return check_many(
        eligibility_facts(volunteers), requirements, at or timezone.now(), qualification_catalogue()
    )


@dataclass(frozen=True)
class EligibilityList:
    """The answer to "who among these volunteers may do this?": ``rows`` are ``(volunteer id,
    name, eligible)`` by name (at most the limit asked for), ``eligible_count`` counts all of
    them, ``decision`` gives one volunteer's reasons."""

    requirement: Requirement
    rows: list[tuple[int, str, bool]]
    eligible_count: int
    result: ManyResult

    def decision(self, volunteer_id: int) -> Decision:
        return self.result.decision(volunteer_id, self.requirement.id)


def eligibility_list(
    volunteers: QuerySet[Volunteer],
    requirement: Requirement,
    at: datetime | None = None,
    *,
    limit: int | None = None,
) -> EligibilityList:
    """``eligibility_many`` for one requirement, by name: what the check page and the API's
    eligibility check show."""
    result = eligibility_many(volunteers, [requirement], at)
    names = volunteers.order_by("name", "id").values_list("pk", "name")
    if limit is not None:
        names = names[:limit]
    return EligibilityList(
        requirement=requirement,
        rows=[(pk, name, result.is_eligible(pk, requirement.id)) for pk, name in names],
        eligible_count=len(result.eligible[requirement.id]),
        result=result,
    )


def requirement_build(
    *,
    id: int = 0,
    skills: Iterable[Sequence[int]] = (),
    qualification_groups: Iterable[Iterable[int]] = (),
    verified_only: bool = True,
    min_age: int | None = None,
    max_age: int | None = None,
    health_within_days: int | None = None,
    insurance_required: bool = False,
) -> Requirement:
    """The one way from conditions written with ids to the eligibility core's Requirement:
    ``skills`` as ``[skill_id, min_level]`` pairs, ``qualification_groups`` as lists of type
    ids (the keys of a shift's stored requirements). Shifts, the check page and, through
    ``requirement_from_codes``, the API build theirs here. An empty group is left out: nobody
    could meet it, and no form or input means that."""
    return Requirement(
        id=id,
        skills=tuple(SkillNeed(int(skill), int(level)) for skill, level in skills),
        qualification_groups=tuple(
            frozenset(int(t) for t in group) for group in qualification_groups if group
        ),
        verified_only=bool(verified_only),
        min_age=min_age,
        max_age=max_age,
        health_within_days=health_within_days,
        insurance_required=bool(insurance_required),
    )


def requirement_from_codes(
    *,
    skills: Iterable[tuple[str, int]] = (),
    qualification_groups: Iterable[Iterable[str]] = (),
    **rest: Any,
) -> Requirement:
    """A requirement written with catalogue codes (``("first_aid", 2)``, ``[["rc_first_aider",
    "nurse"]]``), as the API, commands and tests write them; ``rest`` as for
    ``requirement_build``. Unknown codes: ValidationError on ``requirement``, naming them."""
    skills, qualification_groups = list(skills), [list(g) for g in qualification_groups]
    skill_ids = dict(Skill.objects.values_list("code", "id"))
    type_ids = dict(QualificationType.objects.values_list("code", "id"))
    unknown = [code for code, _level in skills if code not in skill_ids] + [
        code for group in qualification_groups for code in group if code not in type_ids
    ]
    if unknown:
        raise ValidationError(
            {"requirement": _("Unknown code: %(code)s") % {"code": ", ".join(unknown)}}
        )
    return requirement_build(
        skills=[(skill_ids[code], level) for code, level in skills],
        qualification_groups=[[type_ids[code] for code in group] for group in qualification_groups],
        **rest,
    )


# --- for the pages and the API ----------------------------------------------------------------

# How close an expiry must be for a qualification to show as "expires soon".
EXPIRES_SOON_DAYS = 60


def access_volunteer_skill(
    user: Actor | None, volunteer_skill_id: Any, action: str = VIEW
) -> VolunteerSkill:
    return access_object(
        VolunteerSkill.objects.select_related("skill", "volunteer", "volunteer__home_org"),
        user,
        action,
        pk=volunteer_skill_id,
    )


def qualification_state(qualification: Qualification, today: date | None = None) -> str:
    """One word for a qualification's standing today (Asia/Shanghai): revoked, expired,
    unverified, expiring (within EXPIRES_SOON_DAYS) or valid. Valid through the expiry day."""
    today = today or timezone.localdate()
    if qualification.is_revoked:
        return "revoked"
    if qualification.expires_on is not None and qualification.expires_on < today:
        return "expired"
    if not qualification.is_verified:
        return "unverified"
    if (
        qualification.expires_on is not None
        and (qualification.expires_on - today).days <= EXPIRES_SOON_DAYS
    ):
        return "expiring"
    return "valid"


def catalogue_skills() -> QuerySet[Skill]:
    return Skill.objects.all()


def catalogue_qualification_types() -> QuerySet[QualificationType]:
    return QualificationType.objects.prefetch_related("includes")


def catalogue_specialty_mappings() -> QuerySet[MilitarySpecialtyMapping]:
    return MilitarySpecialtyMapping.objects.select_related("skill")


def volunteers_with_skill_q(skill_id: int) -> Q:
    """Volunteers holding a skill (any level, self-declared or confirmed): a roster filter."""
    return Q(pk__in=VolunteerSkill.objects.filter(skill_id=skill_id).values("volunteer_id"))


def volunteers_with_valid_qualification_q(type_id: int, today: date | None = None) -> Q:
    """Volunteers with a verified, unrevoked qualification that satisfies ``type_id`` (itself or
    one that includes it) and is valid through ``today`` (Asia/Shanghai): a roster filter."""
    today = today or timezone.localdate()
    satisfying = qualification_catalogue().satisfiers(type_id)
    valid = Qualification.objects.filter(
        type_id__in=satisfying,
        revoked_at__isnull=True,
        verified_at__isnull=False,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return Q(pk__in=valid.values("volunteer_id"))
