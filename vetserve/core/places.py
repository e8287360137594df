"""The arithmetic of the administrative tree: codes, levels and the id ranges they span.

A region's id is its statistical code padded to 12 digits (docs/decisions/0001), so a unit
and everything under it is one contiguous range of ids, and the units above it follow from the
code alone. Pure functions of a code and a level: the access module filters by them without
knowing the regions app, and the regions app builds its model on them.
"""

from __future__ import annotations

# Digits of the 12-digit statistical code that a unit of each level fixes (GB/T 2260 for the
# first six, the NBS township and village codes for the rest).
PREFIX_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
CODE_LENGTH = {"province": 6, "city": 6, "county": 6, "township": 9, "village": 12}
LEVEL_ORDER = ["province", "city", "county", "township", "village"]


def code_to_id(code: str) -> int:
    """The official code padded to 12 digits: 130709 -> 130709000000, 130709100 -> 130709100000."""
    return int(code.ljust(12, "0"))


def subtree_range(code: str, level: str) -> tuple[int, int]:
    """Lowest and highest id of this unit and everything under it.

    Codes are hierarchical, so a subtree is a contiguous range of ids: one indexed range query
    on any foreign key to Region answers "everything under this region".
    """
    prefix = code.ljust(12, "0")[: PREFIX_DIGITS[level]]
    return int(prefix.ljust(12, "0")), int(prefix.ljust(12, "9"))


def ancestor_ids(code: str, level: str) -> list[int]:
    """Ids of the units above this one, highest first, computed from the code alone."""
    result = []
    for above in LEVEL_ORDER[: LEVEL_ORDER.index(level)]:
        prefix = code.ljust(12, "0")[: PREFIX_DIGITS[above]]
        result.append(int(prefix.ljust(12, "0")))
    return result


def ids_above_range(low: int, high: int) -> list[int]:
    """Ids of the units above the unit whose subtree is ``low``–``high`` (a ``subtree_range``),
    highest first: the unit's code is the digits the two bounds share."""
    lo, hi = str(low).zfill(12), str(high).zfill(12)
    shared = 0
    while shared < 12 and lo[shared] == hi[shared]:
        shared += 1
    return [
        int(lo[:digits].ljust(12, "0"))
        for digits in (PREFIX_DIGITS[level] for level in LEVEL_ORDER)
        if digits < shared
    ]
