"""Stored reasons (``[[code, value], …]`` on a proposal line) back into the engine's Reason and
into words a team leader understands, through ``vetserve.dispatch.reasons`` (the one place that
words them): "同乡镇，3.2 公里，符合岗位要求，近期服务 12 小时"."""

from __future__ import annotations

from typing import Any

from vetserve.dispatch.engine import Reason
from vetserve.dispatch.reasons import person_line, reason_text


def stored_reason(item: Any) -> Reason:
    code, value = item[0], item[1] if len(item) > 1 else None
    if isinstance(value, list):
        value = (str(value[0]), int(value[1]))
    return Reason(str(code), value)


def reason_words(stored: list[Any]) -> list[str]:
    return [reason_text(stored_reason(item)) for item in stored]


def reasons_line(stored: list[Any]) -> str:
    return person_line(stored_reason(item) for item in stored)
