"""The engine's reasons in words, in Chinese (the default) and English. No database."""

from __future__ import annotations

from django.utils import translation

from tests.dispatch.engine_cases import CHONGLI_VILLAGE, YUXIAN, person, shift
from vetserve.dispatch.engine import Problem, Reason, Unfilled, solve
from vetserve.dispatch.reasons import person_line, reason_text, unfilled_line

FIRST_AID = {"first_aid": "急救"}


def test_a_proposed_person_reads_like_a_team_leader_would_say_it():
    reasons = (
        Reason("same_township"),
        Reason("distance_km", 3.24),
        Reason("eligible"),
        Reason("recent_hours", 12),
        Reason("skill_level", ("first_aid", 3)),
    )
    with translation.override("zh-hans"):
        line = person_line(reasons, skill_names=FIRST_AID)
    assert line == "同乡镇，3.2 公里，符合岗位要求，近期服务 12 小时，急救 3 级"
    with translation.override("en"):
        line = person_line(reasons, skill_names={"first_aid": "first aid"})
    assert line == (
        "same township, 3.2 km, meets the shift's requirements, served 12 hours recently, "
        "first aid level 3"
    )


def test_an_unfilled_shift_says_how_many_are_missing_and_why():
    unfilled = Unfilled(
        shift_id=1,
        missing=2,
        reasons=(Reason("not_eligible", 5), Reason("busy", 3), Reason("assigned_elsewhere", 1)),
    )
    with translation.override("zh-hans"):
        assert (
            unfilled_line(unfilled)
            == "缺 2 人：5 人不符合条件，3 人该时段已有任务，1 人已安排到其他班次"
        )
    with translation.override("en"):
        assert unfilled_line(unfilled) == (
            "2 people short: 5 people are not eligible, 3 people are busy at that time, "
            "1 person is sent to another shift"
        )


def test_every_code_the_engine_produces_has_words():
    people = (
        person(1, {1}, home=CHONGLI_VILLAGE, skills=(("first_aid", 2),), team=3),
        person(2, {1}, home=YUXIAN, team=3),
        person(3, set(), eligible={1}),
    )
    problem = Problem(
        (shift(1, seats=(3, 3, 3), keep_teams_together=True, skill_levels=(("first_aid", 1),)),),
        people,
        reserve_size=3,
    )
    proposal = solve(problem)
    codes = [r for a in proposal.assignments for r in a.reasons]
    codes += [r for u in proposal.unfilled for r in u.reasons]
    assert {r.code for r in codes} >= {"same_county", "elsewhere", "team_together", "not_available"}
    with translation.override("zh-hans"):
        for reason in codes:
            text = reason_text(reason, skill_names=FIRST_AID)
            assert text != reason.code
            assert not any("a" <= ch <= "z" for ch in text), text


def test_a_person_already_sent_elsewhere_says_so():
    with translation.override("zh-hans"):
        assert person_line((Reason("same_county"), Reason("assigned_elsewhere", 2))) == (
            "同县区，已安排其他 2 个班次"
        )
    with translation.override("zh-hans"):
        assert reason_text(Reason("skill_level", ("first_aid", 0)), skill_names=FIRST_AID) == (
            "无急救技能"
        )
