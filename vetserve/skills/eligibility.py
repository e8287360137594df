"""May this volunteer do this, at that moment? The one answer, with its reasons.

A domain core in plain Python: dataclasses in, a decision out. It imports nothing of Django or
of the rest of the package (a test checks), so sign-up, dispatch and selection can all call it,
and it is tested without a database. ``vetserve.skills.selectors`` builds the facts from the
database in bulk.

The rules it implements: assignments suit age, skills and health (志愿服务条例 Art 15); tasks
that need a qualification need a valid one (Art 16); risky tasks need insurance (Art 17).

Dates: a qualification is valid *through* its expiry date in Asia/Shanghai. ``at`` is an aware
datetime; it is converted to the Shanghai calendar day, and everything compares days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# --- reasons ----------------------------------------------------------------------------------

SKILL_MISSING = "skill_missing"
SKILL_LEVEL_LOW = "skill_level_low"
QUALIFICATION_MISSING = "qualification_missing"
QUALIFICATION_EXPIRED = "qualification_expired"
QUALIFICATION_UNVERIFIED = "qualification_unverified"
BIRTH_DATE_UNKNOWN = "birth_date_unknown"
TOO_YOUNG = "too_young"
TOO_OLD = "too_old"
HEALTH_MISSING = "health_missing"
HEALTH_STALE = "health_stale"
INSURANCE_MISSING = "insurance_missing"

# The message table: Chinese first (the default), English second. Placeholders are filled
# from a reason's params; dates are ISO (2022-01-15), as on certificates.
MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        SKILL_MISSING: "无{skill}技能",
        SKILL_LEVEL_LOW: "{skill}技能等级{level}级，需要{min_level}级",
        QUALIFICATION_MISSING: "无{qualification}",
        QUALIFICATION_EXPIRED: "{qualification}已于{expired_on}过期",
        QUALIFICATION_UNVERIFIED: "{qualification}尚未核验",
        BIRTH_DATE_UNKNOWN: "出生日期未登记，无法核对年龄",
        TOO_YOUNG: "年龄不满{min_age}岁",
        TOO_OLD: "年龄超过{max_age}岁",
        HEALTH_MISSING: "未作健康声明",
        HEALTH_STALE: "健康声明已超过{days}天（{declared_on}）",
        INSURANCE_MISSING: "无有效意外保险",
    },
    "en": {
        SKILL_MISSING: "no {skill} skill",
        SKILL_LEVEL_LOW: "{skill} at level {level}, level {min_level} needed",
        QUALIFICATION_MISSING: "no {qualification}",
        QUALIFICATION_EXPIRED: "{qualification} expired on {expired_on}",
        QUALIFICATION_UNVERIFIED: "{qualification} not yet verified",
        BIRTH_DATE_UNKNOWN: "birth date not recorded, age cannot be checked",
        TOO_YOUNG: "younger than {min_age}",
        TOO_OLD: "older than {max_age}",
        HEALTH_MISSING: "no health declaration",
        HEALTH_STALE: "health declaration older than {days} days ({declared_on})",
        INSURANCE_MISSING: "no valid accident insurance",
    },
}
DEFAULT_LANGUAGE = "zh"
# How alternatives are joined in a message: "急救员证或护士执业证书".
OR_WORD = {"zh": "或", "en": " or "}
# Separates alternatives inside a param; rendered as the language's "or".
ALTERNATIVES = "\x1f"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why not: a machine ``code`` and the values its message needs."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        base = _base_language(language)
        if base not in MESSAGES:
            base = DEFAULT_LANGUAGE
        values = {k: v.replace(ALTERNATIVES, OR_WORD[base]) for k, v in self.params}
        return MESSAGES[base][self.code].format(**values)

    @property
    def text(self) -> str:
        """The reason in plain Chinese, for a team leader."""
        return self.render(DEFAULT_LANGUAGE)


def _base_language(language: str) -> str:
    """zh-hans, zh_Hans, zh -> zh; en-us -> en."""
    return language.replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True, slots=True)
class Decision:
    ok: bool
    reasons: tuple[Reason, ...] = ()

    def texts(self, language: str = DEFAULT_LANGUAGE) -> list[str]:
        return [r.render(language) for r in self.reasons]

    def __bool__(self) -> bool:
        return self.ok


# --- what is known ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualificationTypeInfo:
    id: int
    name: str
    # The types this one directly includes: 急救员(高级) includes 救护员; B1 includes C1.
    includes: frozenset[int] = frozenset()
    is_insurance: bool = False


class QualificationCatalogue:
    """The qualification types and the transitive closure of "includes", computed once.

    ``satisfiers(t)`` is every type whose holder counts as holding ``t``: ``t`` itself and
    every type that includes it, directly or through others (A1 ⊇ B1 ⊇ C1).
    """

    def __init__(
        self,
        types: Iterable[QualificationTypeInfo],
        skill_names: Mapping[int, str] | None = None,
    ) -> None:
        self.types: dict[int, QualificationTypeInfo] = {t.id: t for t in types}
        self.skill_names: dict[int, str] = dict(skill_names or {})
        closure: dict[int, set[int]] = {}
        for type_id in self.types:
            seen: set[int] = set()
            stack = [type_id]
            while stack:
                current = stack.pop()
                if current in seen:
                    continue  # a cycle in the data must not hang the check
                seen.add(current)
                info = self.types.get(current)
                if info is not None:
                    stack.extend(info.includes)
            closure[type_id] = seen
        satisfiers: dict[int, set[int]] = {t: set() for t in self.types}
        for holder, covered in closure.items():
            for covered_id in covered:
                satisfiers.setdefault(covered_id, set()).add(holder)
        self._satisfiers = {t: frozenset(s) for t, s in satisfiers.items()}
        self.insurance_ids = frozenset(t.id for t in self.types.values() if t.is_insurance)

    def satisfiers(self, type_id: int) -> frozenset[int]:
        return self._satisfiers.get(type_id, frozenset({type_id}))

    def group_satisfiers(self, group: Iterable[int]) -> frozenset[int]:
        result: set[int] = set()
        for type_id in group:
            result |= self.satisfiers(type_id)
        return frozenset(result)

    def name(self, type_id: int) -> str:
        info = self.types.get(type_id)
        return info.name if info is not None else f"#{type_id}"

    def skill_name(self, skill_id: int) -> str:
        return self.skill_names.get(skill_id, f"#{skill_id}")


@dataclass(frozen=True, slots=True)
class HeldQualification:
    type_id: int
    expires_on: date | None  # None: no expiry
    verified: bool


@dataclass(frozen=True, slots=True)
class VolunteerFacts:
    """What the eligibility check needs to know about one volunteer, nothing more."""

    id: int
    birth_date: date | None = None
    skills: Mapping[int, int] = field(default_factory=dict)  # skill id -> level 1..3
    qualifications: tuple[HeldQualification, ...] = ()  # revoked ones left out by the loader
    health_declared_on: date | None = None


@dataclass(frozen=True, slots=True)
class SkillNeed:
    skill_id: int
    min_level: int = 1


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a task asks for. Every skill need and every qualification group must be met; a
    group is any-of (``{医师, 护士, 急救员}``: one of them will do)."""

    id: int = 0
    skills: tuple[SkillNeed, ...] = ()
    qualification_groups: tuple[frozenset[int], ...] = ()
    # Only qualifications checked against the original count (the usual case).
    verified_only: bool = True
    min_age: int | None = None
    max_age: int | None = None
    # A health declaration made at most this many days before the day; None: not asked.
    health_within_days: int | None = None
    insurance_required: bool = False

    @property
    def asks_nothing(self) -> bool:
        """Anyone meets it: nothing about the person needs reading."""
        return not (
            self.skills
            or self.qualification_groups
            or self.insurance_required
            or self.min_age is not None
            or self.max_age is not None
            or self.health_within_days is not None
        )


# --- one volunteer, one requirement -----------------------------------------------------------


def shanghai_day(at: datetime) -> date:
    """The calendar day in Asia/Shanghai of an aware moment; a naive one is refused."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must be an aware datetime")
    return at.astimezone(SHANGHAI).date()


def age_on(birth_date: date, day: date) -> int:
    """Age in completed years; someone born on 29 February turns a year older on 1 March."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _valid_on(held: HeldQualification, day: date) -> bool:
    return held.expires_on is None or held.expires_on >= day


def _date_text(value: date) -> str:
    return value.isoformat()


def check(
    facts: VolunteerFacts,
    requirement: Requirement,
    at: datetime,
    catalogue: QualificationCatalogue,
) -> Decision:
    """Decide for one volunteer, giving every reason that fails (not only the first)."""
    day = shanghai_day(at)
    reasons: list[Reason] = []
    for need in requirement.skills:
        level = facts.skills.get(need.skill_id, 0)
        name = catalogue.skill_name(need.skill_id)
        if level < 1:
            reasons.append(Reason(SKILL_MISSING, (("skill", name),)))
        elif level < need.min_level:  # levels run 1..3; a need of 0 or 1 means "has it"
            reasons.append(
                Reason(
                    SKILL_LEVEL_LOW,
                    (("skill", name), ("level", str(level)), ("min_level", str(need.min_level))),
                )
            )
    for group in requirement.qualification_groups:
        reason = _group_reason(facts, group, requirement.verified_only, day, catalogue)
        if reason is not None:
            reasons.append(reason)
    if requirement.min_age is not None or requirement.max_age is not None:
        if facts.birth_date is None:
            reasons.append(Reason(BIRTH_DATE_UNKNOWN))
        else:
            age = age_on(facts.birth_date, day)
            if requirement.min_age is not None and age < requirement.min_age:
                reasons.append(Reason(TOO_YOUNG, (("min_age", str(requirement.min_age)),)))
            if requirement.max_age is not None and age > requirement.max_age:
                reasons.append(Reason(TOO_OLD, (("max_age", str(requirement.max_age)),)))
    if requirement.health_within_days is not None:
        declared = facts.health_declared_on
        if declared is None or declared > day:
            reasons.append(Reason(HEALTH_MISSING))
        elif (day - declared).days > requirement.health_within_days:
            reasons.append(
                Reason(
                    HEALTH_STALE,
                    (
                        ("days", str(requirement.health_within_days)),
                        ("declared_on", _date_text(declared)),
                    ),
                )
            )
    if requirement.insurance_required and not any(
        h.type_id in catalogue.insurance_ids
        and _valid_on(h, day)
        and (h.verified or not requirement.verified_only)
        for h in facts.qualifications
    ):
        reasons.append(Reason(INSURANCE_MISSING))
    return Decision(ok=not reasons, reasons=tuple(reasons))


def _group_reason(
    facts: VolunteerFacts,
    group: frozenset[int],
    verified_only: bool,
    day: date,
    catalogue: QualificationCatalogue,
) -> Reason | None:
    """None when the group is met; otherwise the most useful reason: expired beats
    unverified beats missing, since it tells the volunteer what to renew."""
    satisfying = catalogue.group_satisfiers(group)
    held = [h for h in facts.qualifications if h.type_id in satisfying]
    if any(_valid_on(h, day) and (h.verified or not verified_only) for h in held):
        return None
    # Only unverified valid ones can be left here: verifying one is the quickest fix.
    unverified = [h for h in held if _valid_on(h, day)]
    if unverified:
        return Reason(
            QUALIFICATION_UNVERIFIED, (("qualification", catalogue.name(unverified[0].type_id)),)
        )
    if held:
        latest = max(held, key=lambda h: h.expires_on or date.max)
        assert latest.expires_on is not None
        return Reason(
            QUALIFICATION_EXPIRED,
            (
                ("qualification", catalogue.name(latest.type_id)),
                ("expired_on", _date_text(latest.expires_on)),
            ),
        )
    names = sorted(catalogue.name(t) for t in group)
    return Reason(QUALIFICATION_MISSING, (("qualification", ALTERNATIVES.join(names)),))


# --- many volunteers, many requirements -------------------------------------------------------


class ManyResult:
    """The answer of ``check_many``: who is eligible for each requirement, as id sets.

    Reasons are not built here (most callers want the list of names); ``decision`` computes
    them for one pair on demand, with ``check`` itself, so the two can never disagree.
    """

    def __init__(
        self,
        eligible: dict[int, frozenset[int]],
        facts: Mapping[int, VolunteerFacts],
        requirements: Mapping[int, Requirement],
        at: datetime,
        catalogue: QualificationCatalogue,
    ) -> None:
        self.eligible = eligible
        self._facts = facts
        self._requirements = requirements
        self._at = at
        self._catalogue = catalogue

    def eligible_ids(self, requirement_id: int) -> list[int]:
        return sorted(self.eligible[requirement_id])

    def is_eligible(self, volunteer_id: int, requirement_id: int) -> bool:
        return volunteer_id in self.eligible[requirement_id]

    def decision(self, volunteer_id: int, requirement_id: int) -> Decision:
        return check(
            self._facts[volunteer_id],
            self._requirements[requirement_id],
            self._at,
            self._catalogue,
        )


class _Index:
    """Per-call indexes over all volunteers for one day: each constraint becomes a set of
    volunteer ids, each built once and reused by every requirement that asks the same."""

    def __init__(
        self, facts: Sequence[VolunteerFacts], day: date, catalogue: QualificationCatalogue
    ) -> None:
        self.day = day
        self.catalogue = catalogue
        self.all_ids = frozenset(f.id for f in facts)
        # skill id -> level -> ids holding at least that level
        self._skill: dict[int, dict[int, set[int]]] = {}
        # type id -> ids holding it valid on the day (verified only / any)
        self._valid_verified: dict[int, set[int]] = {}
        self._valid_any: dict[int, set[int]] = {}
        births: list[tuple[date, int]] = []
        health: list[tuple[date, int]] = []
        for f in facts:
            for skill_id, level in f.skills.items():
                by_level = self._skill.setdefault(skill_id, {})
                by_level.setdefault(level, set()).add(f.id)
            for h in f.qualifications:
                if h.expires_on is None or h.expires_on >= day:
                    self._valid_any.setdefault(h.type_id, set()).add(f.id)
                    if h.verified:
                        self._valid_verified.setdefault(h.type_id, set()).add(f.id)
            if f.birth_date is not None:
                births.append((f.birth_date, f.id))
            if f.health_declared_on is not None and f.health_declared_on <= day:
                health.append((f.health_declared_on, f.id))
        births.sort()
        health.sort()
        self._birth_dates = [b for b, _ in births]
        self._birth_ids = [i for _, i in births]
        self._health_dates = [h for h, _ in health]
        self._health_ids = [i for _, i in health]
        self._cache: dict[tuple[object, ...], frozenset[int]] = {}

    def _cached(
        self, key: tuple[object, ...], build: Callable[[], frozenset[int]]
    ) -> frozenset[int]:
        found = self._cache.get(key)
        if found is None:
            found = build()
            self._cache[key] = found
        return found

    def skill(self, need: SkillNeed) -> frozenset[int]:
        def build() -> frozenset[int]:
            result: set[int] = set()
            for level, ids in self._skill.get(need.skill_id, {}).items():
                if level >= max(need.min_level, 1):
                    result |= ids
            return frozenset(result)

        return self._cached(("skill", need.skill_id, need.min_level), build)

    def group(self, group: frozenset[int], verified_only: bool) -> frozenset[int]:
        def build() -> frozenset[int]:
            source = self._valid_verified if verified_only else self._valid_any
            result: set[int] = set()
            for type_id in self.catalogue.group_satisfiers(group):
                result |= source.get(type_id, set())
            return frozenset(result)

        return self._cached(("group", group, verified_only), build)

    def insurance(self, verified_only: bool) -> frozenset[int]:
        return self._cached(
            ("insurance", verified_only),
            lambda: (
                self.group(self.catalogue.insurance_ids, verified_only)
                if self.catalogue.insurance_ids
                else frozenset()
            ),
        )

    def age(self, min_age: int | None, max_age: int | None) -> frozenset[int]:
        def build() -> frozenset[int]:
            # age >= min  <=>  born on or before the day `min` years back;
            # age <= max  <=>  born after the day `max + 1` years back.
            hi = len(self._birth_dates)
            lo = 0
            if min_age is not None:
                hi = bisect_right(self._birth_dates, _years_before(self.day, min_age))
            if max_age is not None:
                lo = bisect_right(self._birth_dates, _years_before(self.day, max_age + 1))
            return frozenset(self._birth_ids[lo:hi]) if lo < hi else frozenset()

        return self._cached(("age", min_age, max_age), build)

    def health(self, within_days: int) -> frozenset[int]:
        def build() -> frozenset[int]:
            earliest = date.fromordinal(max(self.day.toordinal() - within_days, 1))
            return frozenset(self._health_ids[bisect_left(self._health_dates, earliest) :])

        return self._cached(("health", within_days), build)

    def eligible(self, requirement: Requirement) -> frozenset[int]:
        sets: list[frozenset[int]] = [self.skill(need) for need in requirement.skills]
        sets.extend(
            self.group(group, requirement.verified_only)
            for group in requirement.qualification_groups
        )
        if requirement.min_age is not None or requirement.max_age is not None:
            sets.append(self.age(requirement.min_age, requirement.max_age))
        if requirement.health_within_days is not None:
            sets.append(self.health(requirement.health_within_days))
        if requirement.insurance_required:
            sets.append(self.insurance(requirement.verified_only))
        if not sets:
            return self.all_ids
        sets.sort(key=len)
        result = sets[0]
        for other in sets[1:]:
            if not result:
                break
            result = result & other
        return result


def _years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 February falls back to 28 February, so
    someone born on 29 February counts a year older only from 1 March (as ``age_on``)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def check_many(
    facts_list: Sequence[VolunteerFacts],
    requirements: Sequence[Requirement],
    at: datetime,
    catalogue: QualificationCatalogue,
) -> ManyResult:
    """Decide for every volunteer against every requirement, by set algebra over indexes
    built once per call: each constraint is a set of volunteer ids, a requirement's answer the
    intersection of its sets. Same answers as ``check`` (a test compares them); no reasons
    are built until asked for."""
    day = shanghai_day(at)
    index = _Index(facts_list, day, catalogue)
    eligible = {r.id: index.eligible(r) for r in requirements}
    return ManyResult(
        eligible,
        {f.id: f for f in facts_list},
        {r.id: r for r in requirements},
        at,
        catalogue,
    )
