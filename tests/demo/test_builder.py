"""The builder's pure parts, without a database."""

from __future__ import annotations

import csv
import random

from vetserve.demo import data
from vetserve.demo.builder import BuildContext, village_counts, village_name
from vetserve.regions.models import Region
from vetserve.regions.services import DIVISIONS_CSV


def townships() -> list[Region]:
    with DIVISIONS_CSV.open(encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle) if row["level"] == "township"]
    return [Region(code=row["code"], name=row["name"], level="township") for row in rows]


def test_village_teams_bring_the_grassroots_total_to_612_with_two_in_chongli():
    counts = village_counts(random.Random(1), townships())
    assert len(counts) == 246
    assert len(counts) + sum(counts.values()) == 612
    assert sum(n for code, n in counts.items() if code.startswith("130709")) == 2
    assert max(counts.values()) <= 3  # village codes 2xx leave room for 100


def test_the_same_seed_gives_the_same_villages_and_another_seed_other_ones():
    assert village_counts(random.Random(7), townships()) == village_counts(
        random.Random(7), townships()
    )
    names = [village_name(random.Random(3)) for _ in range(3)]
    assert len(set(names)) == 1
    assert names[0].endswith("村")
    assert village_counts(random.Random(7), townships()) != village_counts(
        random.Random(8), townships()
    )


def test_each_step_draws_from_its_own_generator_so_new_steps_change_nothing_before_them():
    ctx = BuildContext(seed=2022)
    assert ctx.rng("villages").random() == BuildContext(seed=2022).rng("villages").random()
    assert ctx.rng("villages").random() != ctx.rng("grassroots").random()


def test_the_named_teams_match_the_report():
    assert len(data.CHARITY_TEAMS) == 17
    assert len(data.RESCUE_TEAMS) == 9
    assert all(t.parent == data.CHARITY_FEDERATION for t in data.CHARITY_TEAMS)
    flags = [t for t in data.NAMED_TEAMS if t.flag] + list(data.FLAGGED_TOWNSHIP_TEAMS)
    assert len(flags) == 8
    names = [t.name for t in [*data.PARTNERS, *data.NAMED_TEAMS]]
    assert len(names) == len(set(names))
