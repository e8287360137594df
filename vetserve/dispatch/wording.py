"""Stored reasons (``[[code, value], …]`` on a proposal line) back into the engine's Reason and
into words a team leader understands ("同乡镇，3.2 公里，符合条件，近30天服务 12 小时").

The words belong to ``vetserve.dispatch.reasons`` (the engine side's module, issue 16); until
it is merged, ``_words`` below says the same codes, so the pages work either way. When that
module offers ``reason_text(reason)``, it is used.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vetserve.dispatch.engine import Reason


def stored_reason(item: Any) -> Reason:
    code, value = item[0], item[1] if len(item) > 1 else None
    if isinstance(value, list):
        value = (str(value[0]), int(value[1]))
    return Reason(str(code), value)


def _words(reason: Reason) -> str:
    code, value = reason.code, reason.value
    person = {
        "same_township": _("same township"),
        "same_county": _("same county"),
        "neighbour_county": _("neighbouring county"),
        "elsewhere": _("from further away"),
        "eligible": _("meets the requirements"),
    }
    if code in person:
        return person[code]
    if code == "distance_km":
        return _("%(km)s km") % {"km": value}
    if code == "recent_hours":
        return _("served %(hours)s h in the last 30 days") % {"hours": value}
    if code == "skill_level" and isinstance(value, tuple):
        return _("skill %(skill)s level %(level)d") % {"skill": value[0], "level": value[1]}
    if code == "team_together":
        return _("with their team")
    n = int(value) if isinstance(value, int | float) else 0
    counts = {
        "not_eligible": lambda: ngettext(
            "%(n)d person does not meet the requirements",
            "%(n)d people do not meet the requirements",
            n,
        ),
        "not_available": lambda: ngettext(
            "%(n)d person is not available", "%(n)d people are not available", n
        ),
        "busy": lambda: ngettext(
            "%(n)d person is on another shift", "%(n)d people are on other shifts", n
        ),
        "rest_limit": lambda: ngettext(
            "%(n)d person would exceed the rest limits",
            "%(n)d people would exceed the rest limits",
            n,
        ),
        "too_far": lambda: ngettext("%(n)d person lives too far", "%(n)d people live too far", n),
        "assigned_elsewhere": lambda: ngettext(
            "%(n)d person is needed on another shift",
            "%(n)d people are needed on other shifts",
            n,
        ),
        "no_candidates": lambda: _("nobody in reach"),
    }
    if code in counts:
        text = counts[code]()
        return text % {"n": n} if "%(n)d" in text else text
    return code if value is None else f"{code} {value}"


def reason_text(reason: Reason) -> str:
    try:
        from vetserve.dispatch import reasons  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return _words(reason)
    text = getattr(reasons, "reason_text", None)
    return str(text(reason)) if callable(text) else _words(reason)


def reason_words(stored: list[Any]) -> list[str]:
    return [reason_text(stored_reason(item)) for item in stored]
