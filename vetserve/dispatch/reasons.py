"""The engine's reasons in the words a team leader understands (issue 16).

The engine (``vetserve.dispatch.engine``) answers with structured ``Reason`` codes; this turns
them into one line per person, "同乡镇，3.2 公里，符合岗位要求，近期服务 12 小时", and one line
per unfilled shift, "缺 2 人：5 人不符合条件，3 人时间冲突". Skill codes are named by the
caller (``skill_names``: code -> the skill's display name), since the engine knows only codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from vetserve.dispatch.engine import Reason, Unfilled


def _count(code: str, n: int) -> str:
    if code == "not_eligible":
        return ngettext("%(n)s person is not eligible", "%(n)s people are not eligible", n) % {
            "n": n
        }
    if code == "not_available":
        return ngettext("%(n)s person is not available", "%(n)s people are not available", n) % {
            "n": n
        }
    if code == "busy":
        return ngettext(
            "%(n)s person is busy at that time", "%(n)s people are busy at that time", n
        ) % {"n": n}
    if code == "rest_limit":
        return ngettext(
            "%(n)s person needs rest (rest limits)", "%(n)s people need rest (rest limits)", n
        ) % {"n": n}
    if code == "too_far":
        return ngettext("%(n)s person lives too far", "%(n)s people live too far", n) % {"n": n}
    return ngettext(
        "%(n)s person is sent to another shift", "%(n)s people are sent to other shifts", n
    ) % {"n": n}


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def reason_text(reason: Reason, *, skill_names: Mapping[str, str] | None = None) -> str:
    """One reason in words."""
    code, value = reason.code, reason.value
    if code == "same_township":
        return _("same township")
    if code == "same_county":
        return _("same county")
    if code == "neighbour_county":
        return _("neighbouring county")
    if code == "elsewhere":
        return _("from beyond the neighbouring counties")
    if code == "distance_km":
        return _("%(km)s km") % {"km": f"{_number(value):.1f}"}
    if code == "eligible":
        return _("meets the shift's requirements")
    if code == "recent_hours":
        return _("served %(hours)s hours recently") % {"hours": value}
    if code == "skill_level" and isinstance(value, tuple):
        skill, level = value
        name = (skill_names or {}).get(skill, skill)
        if not level:
            return _("no %(skill)s skill") % {"skill": name}
        return _("%(skill)s level %(level)s") % {"skill": name, "level": level}
    if code == "team_together":
        return _("goes with their team")
    if code == "no_candidates":
        return _("nobody to ask")
    if code in {"not_eligible", "not_available", "busy", "rest_limit", "too_far"} or (
        code == "assigned_elsewhere" and reason.value is not None
    ):
        return _count(code, int(_number(value)))
    return code  # a code added to the engine but not yet worded: shown as is, not hidden


def person_line(reasons: Iterable[Reason], *, skill_names: Mapping[str, str] | None = None) -> str:
    """Why this person, in one line: "同乡镇，3.2 公里，符合岗位要求，近期服务 12 小时"."""
    separator = pgettext("dispatch reasons", ", ")
    words = []
    for reason in reasons:
        if reason.code == "assigned_elsewhere":
            n = int(_number(reason.value))
            words.append(
                ngettext(
                    "already sent to %(n)s other shift", "already sent to %(n)s other shifts", n
                )
                % {"n": n}
            )
        else:
            words.append(reason_text(reason, skill_names=skill_names))
    return separator.join(words)


def unfilled_line(unfilled: Unfilled) -> str:
    """Why a shift stays below its minimum: "缺 2 人：5 人不符合条件，3 人时间冲突"."""
    why = pgettext("dispatch reasons", ", ").join(reason_text(r) for r in unfilled.reasons)
    return ngettext(
        "%(missing)s person short: %(why)s", "%(missing)s people short: %(why)s", unfilled.missing
    ) % {"missing": unfilled.missing, "why": why}
