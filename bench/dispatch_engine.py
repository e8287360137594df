"""Benchmark: the dispatch engine (issue 16) — time, memory and quality.

    uv run python bench/dispatch_engine.py [--candidates 10000] [--shifts 1000] [--people 5000]
        [--quality 12] [--skip-scale]

1. **scale**: in a child process (so ``ru_maxrss`` is the engine's own), builds a week of
   ``--shifts`` shifts needing ``--people`` people in total and ``--candidates`` people living
   around Zhangjiakou's county centres (vetserve/regions/data/zhangjiakou-divisions.csv; each
   township placed within ~12 km of its county centre, each home within ~3 km of its township),
   each holding 3 of 10 qualifications (so ~30% are eligible per shift) and available on 3 to 5
   days of the week; neighbouring counties are those whose centres lie within 60 km. Times
   ``solve`` (the engine alone, problem already built) and reports the child's peak RSS, the
   number of usable (person, shift) pairs, the status and the proven gap.
   Targets: city 10,000 x 1,000 ≤ 2 s and ≤ 1 GB; province 100,000 x 10,000 ≤ 60 s and ≤ 8 GB.
2. **quality**: ``--quality`` random instances small enough for HiGHS (200 people x 20 shifts):
   the engine's objective against HiGHS's proven MIP optimum (must be equal), and the gap of a
   greedy baseline (shift by shift, cheapest free person first), in seat-free cost, i.e. the
   travel, locality, rotation and skill cost of the people sent, and in seats left empty.

Not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vetserve.dispatch.engine import (  # noqa: E402 - after the path is set
    Candidate,
    Place,
    Problem,
    ShiftRequest,
    solve,
)

DIVISIONS = ROOT / "vetserve" / "regions" / "data" / "zhangjiakou-divisions.csv"
BEIJING = timezone(timedelta(hours=8))
MONDAY = datetime(2026, 12, 7, 0, 0, tzinfo=BEIJING)
N_QUALIFICATIONS, HELD = 10, 3


def geography(
    rng: random.Random,
) -> tuple[list[tuple[str, str, float, float]], dict[str, frozenset[str]]]:
    """Townships (code, county, lat, lon) around the real county centres, and neighbours."""
    centres: dict[str, tuple[float, float]] = {}
    townships: list[tuple[str, str]] = []
    with DIVISIONS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] == "county" and row["lat"]:
                centres[row["code"]] = (float(row["lat"]), float(row["lon"]))
            elif row["level"] == "township":
                townships.append((row["code"], row["parent_code"]))
    placed = []
    for code, county in townships:
        if county not in centres:
            continue
        lat, lon = centres[county]
        r, a = 12 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        placed.append((code, county, lat + r * math.cos(a) / 111, lon + r * math.sin(a) / 85))
    neighbours = {
        c: frozenset(d for d in centres if d != c and _km(centres[c], centres[d]) <= 60)
        for c in centres
    }
    return placed, neighbours


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot((a[0] - b[0]) * 111, (a[1] - b[1]) * 85)


def build(
    n_candidates: int, n_shifts: int, n_people: int, seed: int = 16, days: int = 7
) -> Problem:
    rng = random.Random(seed)
    townships, neighbours = geography(rng)
    # Busier townships (the district seats) hold more people and more shifts.
    weights = [3.0 if code.endswith(("001", "002", "100")) else 1.0 for code, *_ in townships]
    shifts = []
    per_shift = n_people / n_shifts
    by_day: dict[int, set[int]] = defaultdict(set)
    by_need: dict[int, set[int]] = defaultdict(set)
    for sid in range(1, n_shifts + 1):
        code, county, lat, lon = rng.choices(townships, weights)[0]
        day = rng.randrange(days)
        start = MONDAY + timedelta(days=day, hours=rng.choice((6, 8, 9, 13, 14, 18)))
        wanted = max(1, round(rng.uniform(0.4, 1.6) * per_shift))
        minimum = max(1, math.ceil(wanted * 0.6))
        shifts.append(
            ShiftRequest(
                id=sid,
                start=start,
                end=start + timedelta(hours=rng.choice((4, 4, 6, 8))),
                place=Place(lat, lon, code, county),
                minimum=minimum,
                wanted=wanted,
                maximum=wanted + 2,
                priority=1 if rng.random() < 0.1 else 0,
                skill_levels=(("first_aid", 1),) if rng.random() < 0.2 else (),
            )
        )
        by_day[day].add(sid)
        by_need[rng.randrange(N_QUALIFICATIONS)].add(sid)
    # The same holdings share one frozenset, as a caller's cache would.
    eligible_for: dict[tuple[int, ...], frozenset[int]] = {}
    available_for: dict[tuple[int, ...], frozenset[int]] = {}
    people = []
    for cid in range(1, n_candidates + 1):
        code, county, lat, lon = rng.choices(townships, weights)[0]
        held = tuple(sorted(rng.sample(range(N_QUALIFICATIONS), HELD)))
        free = tuple(sorted(rng.sample(range(7), rng.randint(3, 5))))
        if held not in eligible_for:
            eligible_for[held] = frozenset().union(*(by_need[q] for q in held))
        if free not in available_for:
            available_for[free] = frozenset().union(*(by_day[d] for d in free))
        r, a = 3 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        people.append(
            Candidate(
                id=cid,
                home=Place(lat + r * math.cos(a) / 111, lon + r * math.sin(a) / 85, code, county),
                eligible=eligible_for[held],
                available=available_for[free],
                recent_minutes=rng.choice((0, 0, 120, 240, 600, 1200, 2400, 4800)),
                team=rng.randrange(n_candidates // 8) if rng.random() < 0.3 else None,
                skills=(("first_aid", rng.randint(1, 3)),) if rng.random() < 0.25 else (),
            )
        )
    return Problem(tuple(shifts), tuple(people), neighbours=neighbours, time_limit_s=2.0)


def child(n_candidates: int, n_shifts: int, n_people: int) -> dict[str, object]:
    began = time.perf_counter()
    problem = build(n_candidates, n_shifts, n_people)
    built_s = time.perf_counter() - began
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    proposal = solve(problem)
    engine_s = proposal.solve_ms / 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    again = solve(problem)
    return {
        "build_s": built_s,
        "engine_s": engine_s,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": peak / 1024,
        "assigned": len(proposal.assignments),
        "wanted": sum(s.wanted for s in problem.shifts),
        "unfilled": len(proposal.unfilled),
        "status": proposal.status,
        "gap": proposal.objective - proposal.bound,
        "widened": len(proposal.widened),
        "pairs": sum(len(c.eligible & c.available) for c in problem.candidates),
        "deterministic": again.assignments == proposal.assignments,
    }


def quality(n: int) -> None:
    from vetserve.dispatch.engine.baseline import greedy_objective
    from vetserve.dispatch.engine.referee import optimum

    print(f"\nquality: {n} instances of 200 people x 20 shifts (80 people wanted), over 2 days")
    print(
        f"  {'#':>3} {'engine':>14} {'HiGHS':>14} {'equal':>5} {'greedy':>14} "
        f"{'greedy cost +%':>14} {'seats lost':>10} {'engine ms':>9} {'HiGHS ms':>9}"
    )
    worse = []
    for i in range(n):
        # Two days instead of a week, so people clash and CP-SAT has work to do.
        p = build(200, 20, 80, seed=1000 + i, days=2)
        began = time.perf_counter()
        engine = solve(p)
        engine_ms = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        best = optimum(p, time_limit_s=120)
        highs_ms = (time.perf_counter() - began) * 1000
        greedy = greedy_objective(p)
        seat = p.weights.wanted_seat
        lost = round((greedy - engine.objective) / seat) if greedy - engine.objective >= seat else 0
        cost = sum(a.cost for a in engine.assignments)
        extra = greedy - engine.objective - lost * seat
        worse.append(100 * extra / cost if cost else 0.0)
        print(
            f"  {i + 1:>3} {engine.objective:>14,} {best:>14,} {engine.objective == best!s:>5} "
            f"{greedy:>14,} {worse[-1]:>13.1f}% {lost:>10} {engine_ms:>9.0f} {highs_ms:>9.0f}"
        )
    print(f"  greedy's extra cost over the optimum: mean {sum(worse) / len(worse):.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--shifts", type=int, default=1_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--quality", type=int, default=12)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.candidates, args.shifts, args.people)))
        return
    if not args.skip_scale:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--candidates",
                str(args.candidates),
                "--shifts",
                str(args.shifts),
                "--people",
                str(args.people),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"dispatch engine, {args.candidates:,} candidates x {args.shifts:,} shifts, "
            f"{r['wanted']:,} people wanted, {r['pairs']:,} eligible-and-available pairs"
        )
        print(f"  problem built in {r['build_s']:.1f} s (not counted)")
        print(f"  engine time      {r['engine_s']:.2f} s")
        print(
            f"  peak RSS         {r['rss_peak_mb']:.0f} MB "
            f"(before solving: {r['rss_before_mb']:.0f} MB)"
        )
        print(
            f"  status {r['status']}, proven gap {r['gap']:,}, assigned {r['assigned']:,}, "
            f"shifts below minimum {r['unfilled']}, widened {r['widened']}, "
            f"deterministic {r['deterministic']}"
        )
    if args.quality:
        quality(args.quality)


if __name__ == "__main__":
    main()
