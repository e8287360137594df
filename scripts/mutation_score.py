"""The mutation score per mutated file, from mutmut's results in mutants/.

Killed counts kills, timeouts and type-check catches; the score is killed / (all checked). A
second score leaves out the mutants docs/testing.md lists as equivalent (named there in
backticks), which no test can kill because they do not change behaviour.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3, 24, -24, 36, 37, 152, 255}


def main() -> int:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]
    # Entries may be globs (vetserve/people/services/*.py).
    files = [str(p.relative_to(ROOT)) for pat in patterns for p in sorted(ROOT.glob(pat))]
    doc = ROOT / "docs" / "testing.md"
    equivalent = set(re.findall(r"`(vetserve\.[^`]+__mutmut_\d+)`", doc.read_text()))
    columns = ("killed", "surv.", "equiv.", "todo", "score", "w/o eq.")
    print(f"{'file':34}", *(f"{c:>7}" for c in columns))
    survivors: list[str] = []
    for name in files:
        meta = ROOT / "mutants" / f"{name}.meta"
        if not meta.exists():
            print(f"{name:34} not run yet")
            continue
        results = json.loads(meta.read_text())["exit_code_by_key"]
        counts: Counter[str] = Counter()
        for key, code in results.items():
            if code is None:
                counts["todo"] += 1
            elif code in KILLED:
                counts["killed"] += 1
            elif key in equivalent:
                counts["equivalent"] += 1
            else:
                counts["survived"] += 1
                survivors.append(key)
        checked = counts["killed"] + counts["survived"] + counts["equivalent"]
        score = f"{100 * counts['killed'] / checked:.1f}%" if checked else "-"
        real = counts["killed"] + counts["survived"]
        adjusted = f"{100 * counts['killed'] / real:.1f}%" if real else "-"
        figures = (counts["killed"], counts["survived"], counts["equivalent"], counts["todo"])
        print(f"{name:34}", *(f"{f:>7}" for f in (*figures, score, adjusted)))
    if survivors:
        print("\nsurvivors not listed as equivalent in docs/testing.md:")
        print("\n".join(f"  {s}" for s in survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
