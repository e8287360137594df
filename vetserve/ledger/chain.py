"""The hash chain of the ledger: pure functions, no database.

Each entry's ``hash`` is the SHA-256 of its canonical content (sorted-key JSON of the fields
below, UTF-8, no spaces) followed by the previous entry's hash in the same organization (the
first entry follows ``GENESIS``). Changing any hashed field of any entry, or removing or
reordering entries, breaks the link at that entry, which ``first_broken`` names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

GENESIS = "0" * 64

# The fields a hash covers, in the order they are listed in the ADR (the JSON sorts them).
HASHED_FIELDS = (
    "organization_id",
    "seq",
    "region_id",
    "volunteer_id",
    "activity_id",
    "attendance_id",
    "refers_to_id",
    "source",
    "activity_name",
    "service_date",
    "service_year",
    "place",
    "content",
    "organizing_unit",
    "person_in_charge",
    "category",
    "minutes",
    "confirmed_minutes",
    "reason",
    "recorded_by_id",
    "recorded_by_name",
    "recorded_at",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The bytes a hash covers: the hashed fields as sorted-key JSON."""
    data = {name: _plain(fields[name]) for name in HASHED_FIELDS}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(fields) + prev_hash.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """Where a chain stops verifying: the organization, the entry's sequence number and id,
    and what is wrong (``hash``: the content does not match its hash; ``link``: it does not
    follow the previous entry; ``gap``: a sequence number is missing)."""

    organization_id: int
    seq: int
    entry_id: int
    problem: str


def first_broken(rows: Iterable[Mapping[str, Any]]) -> BrokenLink | None:
    """The first broken link of one organization's chain, its rows given in ``seq`` order
    (with ``id``, ``prev_hash`` and ``hash``); None when the whole chain verifies."""
    prev = GENESIS
    expected_seq = 1
    for row in rows:
        where = (row["organization_id"], row["seq"], row["id"])
        if row["seq"] != expected_seq:
            return BrokenLink(*where, "gap")
        if row["prev_hash"] != prev:
            return BrokenLink(*where, "link")
        if entry_hash(row, prev) != row["hash"]:
            return BrokenLink(*where, "hash")
        prev = row["hash"]
        expected_seq += 1
    return None
