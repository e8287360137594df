"""The eligibility core, without a database: plain facts in, decisions out."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from vetserve.skills.eligibility import (
    HeldQualification,
    QualificationCatalogue,
    QualificationTypeInfo,
    Requirement,
    SkillNeed,
    VolunteerFacts,
    check,
    check_many,
)

FIRST_AID, SENIOR, NURSE, INSURANCE = 1, 2, 3, 4
A1, A2, A3, B1, B2, C1, C2, C3, C4 = range(10, 19)
SKILL_DRIVING, SKILL_SNOW = 100, 101

CATALOGUE = QualificationCatalogue(
    [
        QualificationTypeInfo(FIRST_AID, "救护员证"),
        QualificationTypeInfo(SENIOR, "急救员（高级）证", frozenset({FIRST_AID})),
        QualificationTypeInfo(NURSE, "护士执业证书"),
        QualificationTypeInfo(INSURANCE, "志愿者意外伤害保险", is_insurance=True),
        QualificationTypeInfo(A1, "A1", frozenset({A3, B1, B2, C1})),
        QualificationTypeInfo(A2, "A2", frozenset({B1, B2, C1})),
        QualificationTypeInfo(A3, "A3", frozenset({C1})),
        QualificationTypeInfo(B1, "B1", frozenset({C1})),
        QualificationTypeInfo(B2, "B2", frozenset({C1})),
        QualificationTypeInfo(C1, "C1驾驶证", frozenset({C2, C3})),
        QualificationTypeInfo(C2, "C2"),
        QualificationTypeInfo(C3, "C3", frozenset({C4})),
        QualificationTypeInfo(C4, "C4"),
    ],
    {SKILL_DRIVING: "驾驶", SKILL_SNOW: "清雪除冰"},
)
NOON = datetime(2022, 2, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def held(type_id, expires_on=None, verified=True):
    return HeldQualification(type_id, expires_on, verified)


def test_a_qualification_is_valid_through_its_expiry_day_in_shanghai():
    facts = VolunteerFacts(1, qualifications=(held(FIRST_AID, date(2022, 1, 15)),))
    need = Requirement(qualification_groups=(frozenset({FIRST_AID}),))
    # 2022-01-15 23:59 in Shanghai is 15:59 UTC: still valid.
    assert check(facts, need, datetime(2022, 1, 15, 15, 59, tzinfo=UTC), CATALOGUE).ok
    # 2022-01-16 00:00 in Shanghai is 16:00 UTC on the 15th: expired.
    late = check(facts, need, datetime(2022, 1, 15, 16, 0, tzinfo=UTC), CATALOGUE)
    assert not late.ok
    assert late.texts() == ["救护员证已于2022-01-15过期"]
    assert late.reasons[0].code == "qualification_expired"
    assert late.texts("en") == ["救护员证 expired on 2022-01-15"]


def test_a_naive_moment_is_refused():
    import pytest

    with pytest.raises(ValueError):
        check(VolunteerFacts(1), Requirement(), datetime(2022, 1, 1), CATALOGUE)


def test_includes_is_transitive_a_b1_holder_satisfies_c1_and_an_a1_holder_c4():
    c1 = Requirement(qualification_groups=(frozenset({C1}),))
    c4 = Requirement(qualification_groups=(frozenset({C4}),))
    assert check(VolunteerFacts(1, qualifications=(held(B1),)), c1, NOON, CATALOGUE).ok
    assert check(VolunteerFacts(1, qualifications=(held(A1),)), c4, NOON, CATALOGUE).ok
    assert not check(VolunteerFacts(1, qualifications=(held(C2),)), c1, NOON, CATALOGUE).ok
    assert check(
        VolunteerFacts(1, qualifications=(held(SENIOR),)),
        Requirement(qualification_groups=(frozenset({FIRST_AID}),)),
        NOON,
        CATALOGUE,
    ).ok


def test_a_missing_licence_is_named():
    decision = check(
        VolunteerFacts(1), Requirement(qualification_groups=(frozenset({C1}),)), NOON, CATALOGUE
    )
    assert decision.texts() == ["无C1驾驶证"]


def test_any_of_groups_name_the_alternatives():
    need = Requirement(qualification_groups=(frozenset({FIRST_AID, NURSE}),))
    decision = check(VolunteerFacts(1), need, NOON, CATALOGUE)
    assert decision.texts() == ["无护士执业证书或救护员证"]
    assert decision.texts("en") == ["no 护士执业证书 or 救护员证"]
    assert check(VolunteerFacts(1, qualifications=(held(NURSE),)), need, NOON, CATALOGUE).ok


def test_unverified_qualifications_count_only_when_verification_is_not_asked():
    facts = VolunteerFacts(1, qualifications=(held(FIRST_AID, verified=False),))
    strict = Requirement(qualification_groups=(frozenset({FIRST_AID}),))
    assert check(facts, strict, NOON, CATALOGUE).texts() == ["救护员证尚未核验"]
    lax = Requirement(qualification_groups=(frozenset({FIRST_AID}),), verified_only=False)
    assert check(facts, lax, NOON, CATALOGUE).ok


def test_age_range_counts_completed_years():
    need = Requirement(min_age=18, max_age=65)
    born = VolunteerFacts(1, birth_date=date(1956, 2, 2))
    assert check(born, need, NOON, CATALOGUE).ok  # 65 until 2022-02-02
    older = check(born, need, NOON + timedelta(days=1), CATALOGUE)
    assert older.texts() == ["年龄超过65岁"]
    assert check(VolunteerFacts(2, birth_date=date(2004, 2, 2)), need, NOON, CATALOGUE).texts() == [
        "年龄不满18岁"
    ]
    assert check(VolunteerFacts(3), need, NOON, CATALOGUE).reasons[0].code == "birth_date_unknown"


def test_insurance_must_be_valid_on_the_day():
    need = Requirement(insurance_required=True)
    insured = VolunteerFacts(1, qualifications=(held(INSURANCE, date(2022, 2, 1)),))
    assert check(insured, need, NOON, CATALOGUE).ok
    assert check(insured, need, NOON + timedelta(days=1), CATALOGUE).texts() == ["无有效意外保险"]


def test_health_declaration_must_be_recent_and_every_failure_is_listed():
    need = Requirement(
        health_within_days=30, skills=(SkillNeed(SKILL_SNOW, 2), SkillNeed(SKILL_DRIVING, 1))
    )
    facts = VolunteerFacts(1, skills={SKILL_SNOW: 1}, health_declared_on=date(2021, 12, 1))
    assert check(facts, need, NOON, CATALOGUE).texts() == [
        "清雪除冰技能等级1级，需要2级",
        "无驾驶技能",
        "健康声明已超过30天（2021-12-01）",
    ]


def random_world(seed):
    rng = random.Random(seed)
    types = [FIRST_AID, SENIOR, NURSE, INSURANCE, A1, A2, A3, B1, B2, C1, C2, C3, C4]
    day = date(2022, 2, 1)
    facts = []
    for vid in range(1, 301):
        quals = tuple(
            held(
                rng.choice(types),
                None if rng.random() < 0.2 else day + timedelta(days=rng.randint(-30, 30)),
                rng.random() < 0.7,
            )
            for _ in range(rng.randint(0, 3))
        )
        facts.append(
            VolunteerFacts(
                vid,
                birth_date=None
                if rng.random() < 0.05
                else date(rng.randint(1950, 2006), 2, 28) + timedelta(days=rng.randint(0, 3)),
                skills={
                    s: rng.randint(1, 3) for s in (SKILL_DRIVING, SKILL_SNOW) if rng.random() < 0.5
                },
                qualifications=quals,
                health_declared_on=None
                if rng.random() < 0.3
                else day - timedelta(days=rng.randint(-2, 60)),
            )
        )
    requirements = []
    for rid in range(1, 61):
        requirements.append(
            Requirement(
                id=rid,
                skills=tuple(
                    SkillNeed(s, rng.randint(0, 3))
                    for s in (SKILL_DRIVING, SKILL_SNOW)
                    if rng.random() < 0.3
                ),
                qualification_groups=tuple(
                    frozenset(rng.sample(types, rng.randint(1, 2)))
                    for _ in range(rng.randint(0, 2))
                ),
                verified_only=rng.random() < 0.5,
                min_age=rng.choice([None, 18, 20]),
                max_age=rng.choice([None, 60, 65, 70]),
                health_within_days=rng.choice([None, 7, 30]),
                insurance_required=rng.random() < 0.3,
            )
        )
    return facts, requirements


def test_check_many_agrees_with_check_on_every_pair_of_a_random_world():
    facts, requirements = random_world(seed=20220204)
    for at in (NOON, datetime(2022, 2, 28, 16, 0, tzinfo=UTC)):
        result = check_many(facts, requirements, at, CATALOGUE)
        for r in requirements:
            expected = {f.id for f in facts if check(f, r, at, CATALOGUE).ok}
            assert set(result.eligible_ids(r.id)) == expected
        some = facts[7]
        assert result.decision(some.id, 1) == check(some, requirements[0], at, CATALOGUE)


def test_a_cycle_in_includes_does_not_hang():
    cat = QualificationCatalogue(
        [
            QualificationTypeInfo(1, "x", frozenset({2})),
            QualificationTypeInfo(2, "y", frozenset({1})),
        ]
    )
    assert cat.satisfiers(1) == {1, 2}


def test_the_eligibility_module_imports_nothing_of_django_or_the_package():
    code = (
        "import sys; import vetserve.skills.eligibility; "
        "bad = [m for m in sys.modules if m.startswith('django') or "
        "(m.startswith('vetserve') and m not in ('vetserve', 'vetserve.skills', "
        "'vetserve.skills.eligibility'))]; print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)  # noqa: S603
    assert run.returncode == 0, run.stdout + run.stderr
