"""Stored reasons (``[[code, value], …]`` on a proposal line) back into the engine's Reason and
into words through ``vetserve.dispatch.reasons``, the one place that words them."""

from __future__ import annotations

from typing import Any

from vetserve.dispatch.engine import Reason


def stored_reason(item: Any) -> Reason:
    code, value = item[0], item[1] if len(item) > 1 else None
    if isinstance(value, list):
        value = (str(value[0]), int(value[1]))
    return Reason(str(code), value)


def reason_words(stored: list[Any]) -> list[str]:
    from vetserve.dispatch import reasons

    return [reasons.reason_text(stored_reason(item)) for item in stored]
