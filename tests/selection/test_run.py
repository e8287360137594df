"""Hand-made selections whose right answer is obvious: hard criteria exclude, weights change
the order as expected, quotas hold with people eligible for several posts, the tie rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from vetserve.selection.models import Outcome, Selection, State
from vetserve.selection.services import selection_create, selection_run

pytestmark = pytest.mark.django_db


def define(cast: Any, **overrides: Any) -> Selection:
    values: dict[str, Any] = {
        "actor": cast.bob,
        "organization": cast.chongli_fed,
        "pool_organization": cast.rescue_sub,
        "name": "冬奥城市志愿者选拔",
        "posts": [{"name": "交通枢纽", "quota": 2}],
        "weights": {"hours": 100},
        "min_age": 18,
        "max_age": 65,
        "reserve_size": 5,
    }
    values.update(overrides)
    return selection_create(**values)


def picked(selection: Selection) -> list[str]:
    rows = selection.candidates.filter(outcome=Outcome.PICKED).order_by("rank")
    return [row.volunteer.name for row in rows]


def reserve(selection: Selection) -> list[str]:
    rows = selection.candidates.filter(outcome=Outcome.RESERVE).order_by("rank")
    return [row.volunteer.name for row in rows]


def test_hard_criteria_exclude_the_too_old_and_the_suspended(cast, world):
    selection = selection_run(
        actor=cast.bob, selection=define(cast, posts=[{"name": "全部", "quota": 10}])
    )
    assert set(picked(selection)) == {"甲", "乙", "丙", "丁"}
    assert selection.state == State.PROPOSED
    assert selection.pool_size == 5  # 己 is suspended: not an active volunteer now
    assert selection.eligible_size == 4
    assert selection.snapshot["excluded"]["criteria"] == 1  # 戊, too old


def test_a_suspension_lifted_still_counts_within_the_window(cast, world):
    from vetserve.people.services import volunteer_status_change

    volunteer_status_change(
        actor=cast.bob, volunteer=world.people["己"], to_status="active", reason="期满"
    )
    selection = selection_run(actor=cast.bob, selection=define(cast))
    assert "己" not in picked(selection) + reserve(selection)
    again = selection_run(actor=cast.bob, selection=define(cast, suspension_free_days=0))
    assert picked(again)[0] == "己"


def test_more_confirmed_hours_rank_first_with_the_hours_weight(cast, world):
    selection = selection_run(actor=cast.bob, selection=define(cast))
    assert picked(selection) == ["甲", "乙"]
    assert reserve(selection) == ["丙", "丁"]


def test_weights_change_the_order_as_expected(cast, world):
    party_first = selection_run(
        actor=cast.bob, selection=define(cast, weights={"hours": 10, "party": 90})
    )
    # 乙 and 丁 are members; among them 乙 has more hours.
    assert picked(party_first) == ["乙", "丁"]
    hours_first = selection_run(
        actor=cast.bob, selection=define(cast, weights={"hours": 90, "party": 10})
    )
    assert picked(hours_first) == ["甲", "乙"]


def test_the_score_is_broken_down_per_criterion_with_normalised_values_and_weights(cast, world):
    selection = selection_run(
        actor=cast.bob, selection=define(cast, weights={"hours": 75, "party": 25})
    )
    best = selection.candidates.get(volunteer=world.people["乙"])
    parts = {part["code"]: part for part in best.breakdown}
    # 乙: 4 h of 0–6 h → 0.6667 × 75 = 50 points; a member → 1 × 25 = 25 points.
    assert parts["hours"]["raw"] == 4.0
    assert parts["hours"]["norm"] == pytest.approx(0.6667, abs=1e-4)
    assert parts["hours"]["points"] == 50.0
    assert parts["party"]["points"] == 25.0
    assert float(best.score) == 75.0
    assert [c["weight"] for c in selection.snapshot["criteria"]] == [75, 25]


def test_quotas_hold_and_the_licensed_are_kept_for_the_post_that_needs_them(cast, world):
    # 甲 and 丙 hold a C1 licence. The driver post takes 2, the hotel post 2: the best seating
    # puts both licence holders on the driver post even though 甲 ranks first overall.
    selection = selection_run(
        actor=cast.bob,
        selection=define(
            cast,
            posts=[
                {"name": "酒店", "quota": 2},
                {"name": "接驳车", "quota": 2, "qualification_group": [world.licence.pk]},
            ],
        ),
    )
    rows = {
        row.volunteer.name: row.post.name
        for row in selection.candidates.filter(outcome=Outcome.PICKED).select_related("post")
    }
    assert rows == {"甲": "接驳车", "丙": "接驳车", "乙": "酒店", "丁": "酒店"}
    posts = {p.name: p.filled for p in selection.posts.all()}
    assert posts == {"酒店": 2, "接驳车": 2}


def test_a_post_too_few_qualify_for_is_reported_short(cast, world):
    selection = selection_run(
        actor=cast.bob,
        selection=define(
            cast, posts=[{"name": "接驳车", "quota": 3, "qualification_group": [world.licence.pk]}]
        ),
    )
    assert picked(selection) == ["甲", "丙"]
    assert selection.snapshot["posts"][0]["filled"] == 2


def test_equal_scores_go_to_the_one_registered_first(cast, world):
    # Party weight only: 乙 and 丁 both score 100; 乙 registered first.
    selection = selection_run(
        actor=cast.bob,
        selection=define(cast, weights={"party": 100}, posts=[{"name": "一", "quota": 1}]),
    )
    assert picked(selection) == ["乙"]
    assert reserve(selection)[0] == "丁"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("posts", []),
        ("posts", [{"name": "酒店", "quota": 0}]),
        ("posts", [{"name": "酒店", "quota": 1001}]),
        ("posts", [{"name": "酒店", "quota": 1}, {"name": "酒店", "quota": 1}]),
        ("weights", {"hours": 101}),
        ("weights", {"hours": 0}),
        ("weights", {"stars": 10}),
        ("weights", {"distance": 10}),  # no place given
        ("min_age", 15),
        ("reserve_size", 501),
        ("name", ""),
    ],
)
def test_bad_definitions_are_refused_and_nothing_is_saved(cast, world, field, value):
    with pytest.raises(ValidationError):
        define(cast, **{field: value})
    assert not Selection.objects.exists()


def test_a_no_show_ranks_last_when_no_shows_are_weighted(cast, world, snow):
    # 王建国 holds a confirmed place on the finished snow shift and never checked in.
    from vetserve.people.models import Status, Volunteer

    Volunteer.objects.filter(pk=snow.wang.pk).update(status=Status.ACTIVE)
    selection = selection_run(
        actor=cast.bob,
        selection=define(
            cast, pool_organization=cast.rescue, weights={"no_shows": 100},
            posts=[{"name": "全部", "quota": 10}],
        ),
    )  # fmt: skip
    rows = list(selection.candidates.order_by("rank"))
    assert rows[-1].volunteer == snow.wang
    assert rows[-1].breakdown[0]["raw"] == 1.0 and float(rows[-1].score) == 0.0
    assert all(float(row.score) == 100.0 for row in rows[:-1])
