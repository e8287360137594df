#!/usr/bin/env python3
"""Break the access code by hand, one way at a time, and see which test turns red.

Each break below is a small, plausible mistake in the code that decides who may see or do
what (issue 20 lists them: a refactor or the next feature could make any of them). For each,
the script applies the change, runs the suite on SQLite until the first failure (``-x``),
names the test that caught it, and puts the file back. A break no test catches is a hole.

    uv run python scripts/access_breaks.py            # all breaks, a Markdown table at the end
    uv run python scripts/access_breaks.py --only superuser-as-staff
    uv run python scripts/access_breaks.py --list

It takes 5-40 s per break on two cores (a caught break stops at its first red test). The
working tree must be clean for the files it touches; each file is restored even on Ctrl-C.
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Break:
    name: str
    path: str
    old: str
    new: str
    what: str


ACCESS = "vetserve/core/access.py"
GRANTS = "vetserve/accounts/scope.py"
FAST = "vetserve/attendance/fastpath.py"
REGIONS = "vetserve/regions/models.py"
ATTEND = "vetserve/attendance/services.py"
HOURS = "vetserve/attendance/hours.py"
PEOPLE = "vetserve/people/services/volunteers.py"
PEOPLE_RECORDS = "vetserve/people/services/records.py"
IDS = "vetserve/people/idnumbers.py"

BREAKS = [
    Break(
        "range-upper-bound-plus-one",
        GRANTS,
        "ranges.append(subtree_range(grant.region_code, grant.region_level))",
        "ranges.append(tuple(map(sum, zip(subtree_range(grant.region_code, grant.region_level),"
        " (0, 1)))))",
        "a region grant's range widened by one: the neighbouring unit becomes visible",
    ),
    Break(
        "range-loses-its-last-region",
        GRANTS,
        "ranges.append(subtree_range(grant.region_code, grant.region_level))",
        "ranges.append(tuple(map(sum, zip(subtree_range(grant.region_code, grant.region_level),"
        " (0, -1)))))",
        "a region grant's range loses its last region",
    ),
    Break(
        "village-grant-edge-in-queries",
        ACCESS,
        'target.append(Q(**{f"{region_field}__gte": low, f"{region_field}__lte": high}))',
        'target.append(Q(**{f"{region_field}__gte": low, f"{region_field}__lt": high}))',
        "a village-level grant (lower bound = upper bound) sees nothing in lists",
    ),
    Break(
        "village-grant-edge-in-checks",
        ACCESS,
        "any(lo <= region_id <= hi for lo, hi in self.region_ranges)",
        "any(lo <= region_id < hi for lo, hi in self.region_ranges)",
        "a village-level grant (lower bound = upper bound) changes nothing",
    ),
    Break(
        "superuser-as-staff",
        ACCESS,
        "    if actor.is_superuser:\n        return EVERYTHING",
        "    if actor.is_superuser or getattr(actor, 'is_staff', 0):\n        return EVERYTHING",
        "is_staff counted like is_superuser where scope is computed",
    ),
    Break(
        "deactivated-user-keeps-scope",
        ACCESS,
        "if actor is None or not actor.is_authenticated or not actor.is_active:",
        "if actor is None or not actor.is_authenticated:",
        "a deactivated user keeps the scope of their grants",
    ),
    Break(
        "one-grant-replaces-another",
        GRANTS,
        "            ranges.append(subtree_range(grant.region_code, grant.region_level))",
        "            ranges[:] = [subtree_range(grant.region_code, grant.region_level)]",
        "a second region grant replaces the first instead of adding to it",
    ),
    Break(
        "member-team-counted-as-led",
        GRANTS,
        "            if grant.role == Role.ORG_LEADER:",
        "            if grant.role in (Role.ORG_LEADER, Role.VOLUNTEER):",
        "a team the person belongs to counted like a team they lead (with its sub-teams)",
    ),
    Break(
        "volunteer-grant-counts-for-change",
        GRANTS,
        "        if action not in ROLE_ACTIONS[grant.role]:\n            continue",
        "        if action not in ROLE_ACTIONS[grant.role] and grant.role != Role.VOLUNTEER:\n"
        "            continue",
        "a volunteer's grant on their team counted for changing it",
    ),
    Break(
        "manual-scan-asks-only-whether-the-shift-exists",
        ATTEND,
        "        shift = _led_shift(actor, scan.shift_id)\n        # Someone not on the roster",
        "        shift = _shift(scan.shift_id)\n        # Someone not on the roster",
        "the by-hand path of the batch API: any signed-in user may check anyone in",
    ),
    Break(
        "roster-row-without-leader-check",
        ATTEND,
        "            elif not may_lead_shift(actor, signup.shift):",
        "            elif False:",
        "check-in/out of any sign-up by its id without asking who leads that shift",
    ),
    Break(
        "roster-row-without-its-shift",
        FAST,
        '"WHERE su.id = %s AND su.shift_id = %s"',
        '"WHERE su.id = %s AND %s IS NOT NULL"',
        "the roster test by sign-up id without its filter on the shift",
    ),
    Break(
        "roster-row-without-state",
        ATTEND,
        "if signup is None or signup.state != SignUpState.CONFIRMED:",
        "if signup is None:",
        "cancelled and wait-listed people counted as on the roster (by sign-up id)",
    ),
    Break(
        "rostered-without-state",
        ATTEND,
        "SignUp.objects, shift=shift, volunteer=volunteer, state=SignUpState.CONFIRMED\n",
        "SignUp.objects, shift=shift, volunteer=volunteer\n",
        "cancelled and wait-listed people counted as on the roster (by post code or badge)",
    ),
    Break(
        "self-check-in-without-the-post-scan",
        ATTEND,
        '        if scan.kind != OUT:\n            raise Refused("bad_method"',
        '        if False:\n            raise Refused("bad_method"',
        "a volunteer checks themself in without scanning the post's code",
    ),
    Break(
        "hand-check-out-adds-on-the-spot",
        ATTEND,
        "        if scan.kind != IN:\n            return _rostered(shift, volunteer)\n",
        "",
        "a by-hand check-out that also puts the person on the roster",
    ),
    Break(
        "erased-volunteer-checked-in-by-hand",
        ATTEND,
        "if volunteer is None or volunteer.is_erased:",
        "if volunteer is None:",
        "an erased volunteer checked in by hand",
    ),
    Break(
        "badge-status-ignored",
        ATTEND,
        ".filter(number=read[0], nonce=read[1], status=BadgeStatus.ACTIVE)",
        ".filter(number=read[0], nonce=read[1])",
        "a revoked or lost badge still accepted at the post",
    ),
    Break(
        "badge-nonce-ignored",
        ATTEND,
        ".filter(number=read[0], nonce=read[1], status=BadgeStatus.ACTIVE)",
        ".filter(number=read[0], status=BadgeStatus.ACTIVE)",
        "a badge code with a forged nonce accepted",
    ),
    Break(
        "geofence-edge",
        ATTEND,
        "if distance > limit:",
        "if distance > limit * 2:",
        "a scan far outside the post's geofence accepted",
    ),
    Break(
        "late-check-out-without-limit",
        HOURS,
        'if kind == "out" and scanned_at > ends_at + late:',
        'if kind == "out" and scanned_at > ends_at + late * 1000:',
        "late check-outs accepted without limit",
    ),
    Break(
        "auditor-exports-full-numbers",
        ACCESS,
        "if actor is None or not actor.is_authenticated or not may_change_somewhere(actor):",
        "if actor is None or not actor.is_authenticated:",
        "an auditor given the reveal permission exports full numbers",
    ),
    Break(
        "anyone-fetches-an-export",
        ACCESS,
        "and job.requested_by_id == actor.pk",
        "and job.requested_by_id is not None",
        "anyone logged in follows and downloads another person's background export",
    ),
    Break(
        "reveal-always-allowed",
        ACCESS,
        "return may_export_full_numbers(actor) and may_change_volunteer(actor, volunteer)",
        "return True",
        '"may reveal the full number" true without the reveal permission',
    ),
    Break(
        "full-numbers-in-the-audit-log",
        PEOPLE,
        'changes[field] = [getattr(volunteer, f"{field}_masked"), masked]',
        "changes[field] = [volunteer_reveal_value(volunteer, field), clean]",
        "full phone numbers written into the audit log on a correction",
    ),
    Break(
        "erasure-leaves-masked-values",
        PEOPLE_RECORDS,
        '        setattr(volunteer, f"{field}_masked", "")\n    volunteer.phone_index',
        "        pass\n    volunteer.phone_index",
        "erasure leaves the masked phone, emergency phone and document numbers behind",
    ),
    Break(
        "erasure-leaves-the-birth-date",
        PEOPLE_RECORDS,
        "    volunteer.birth_date = None",
        "    pass",
        "erasure leaves the birth date (with the masked ID, the number can be rebuilt)",
    ),
    Break(
        "erasure-leaves-the-masked-id",
        PEOPLE_RECORDS,
        '    volunteer.id_number_masked = ""\n',
        "",
        "erasure leaves the masked ID number behind",
    ),
    Break(
        "id-mask-fallback-shows-more",
        IDS,
        '    if len(number) < 10:\n        return "*" * len(number)',
        '    if len(number) < 4:\n        return "*" * len(number)',
        "the ID mask's fall-back shows short values",
    ),
    Break(
        "id-mask-shows-the-birth-year",
        IDS,
        'return number[:6] + "*" * (len(number) - 10) + number[-4:]',
        'return number[:10] + "*" * (len(number) - 14) + number[-4:]',
        "the ID mask shows the birth year",
    ),
    Break(
        "phone-mask-shows-more",
        IDS,
        'return phone[:3] + "****" + phone[-4:]',
        'return phone[:5] + "**" + phone[-4:]',
        "the mobile mask shows five leading digits",
    ),
    Break(
        "auditor-sees-correction-requests",
        "vetserve/people/selectors.py",
        "volunteers = Volunteer.objects.visible_to(user, CHANGE).filter(erased_at__isnull=True)",
        "volunteers = Volunteer.objects.visible_to(user).filter(erased_at__isnull=True)",
        "a view-only auditor (or volunteer) sees the correction requests",
    ),
]


def run(brk: Break, pytest_args: list[str]) -> tuple[str, str, float]:
    path = ROOT / brk.path
    original = path.read_text(encoding="utf-8")
    if original.count(brk.old) != 1:
        return "stale", f"the text to break occurs {original.count(brk.old)} times", 0.0
    started = time.monotonic()
    try:
        path.write_text(original.replace(brk.old, brk.new), encoding="utf-8")
        done = subprocess.run(
            ["uv", "run", "pytest", "-x", "-q", "-p", "no:cacheprovider", *pytest_args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_text(original, encoding="utf-8")
    elapsed = time.monotonic() - started
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", done.stdout, re.MULTILINE)
    if done.returncode == 0:
        return "SURVIVED", "", elapsed
    return "caught", failed[0] if failed else f"exit {done.returncode}", elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run only the break of this name")
    parser.add_argument("--list", action="store_true", help="list the breaks and stop")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (e.g. a test path)")
    args = parser.parse_args()
    # A kill must still put the broken file back: SystemExit runs the ``finally`` in run().
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    chosen = [b for b in BREAKS if not args.only or b.name in args.only]
    if args.list:
        for b in chosen:
            print(f"{b.name:48} {b.path}: {b.what}")
        return 0
    rows = []
    for b in chosen:
        status, detail, elapsed = run(b, args.pytest_args)
        print(f"{status:8} {elapsed:5.1f}s {b.name}: {detail}", flush=True)
        rows.append((b, status, detail))
    print("\n| break | what it does | caught by |\n|---|---|---|")
    for b, status, detail in rows:
        print(f"| `{b.name}` | {b.what} | {detail or status} |")
    survived = [b.name for b, status, _ in rows if status != "caught"]
    print(f"\n{len(rows) - len(survived)} of {len(rows)} breaks caught.")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
