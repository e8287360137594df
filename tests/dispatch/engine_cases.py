"""Builders for the engine's tests: places in Zhangjiakou, shifts and people in a line or two."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from vetserve.dispatch.engine import Candidate, Interval, Place, ShiftRequest

BEIJING = timezone(timedelta(hours=8))
MORNING = datetime(2026, 12, 7, 6, 0, tzinfo=BEIJING)

# 崇礼区 (130709): two townships; 张北县 (130722) next door; 蔚县 (130726) far south.
CHONGLI_TOWN = Place(40.974, 115.282, "130709100", "130709")
CHONGLI_VILLAGE = Place(41.050, 115.380, "130709200", "130709")
ZHANGBEI = Place(41.159, 114.716, "130722100", "130722")
YUXIAN = Place(39.840, 114.570, "130726100", "130726")
NEIGHBOURS = {"130709": frozenset({"130722"}), "130722": frozenset({"130709"})}


def shift(
    sid: int,
    *,
    hours: tuple[float, float] = (0, 4),
    place: Place = CHONGLI_TOWN,
    seats: tuple[int, int, int] = (1, 1, 1),
    **extra: object,
) -> ShiftRequest:
    return ShiftRequest(
        id=sid,
        start=MORNING + timedelta(hours=hours[0]),
        end=MORNING + timedelta(hours=hours[1]),
        place=place,
        minimum=seats[0],
        wanted=seats[1],
        maximum=seats[2],
        **extra,  # type: ignore[arg-type]
    )


def person(
    cid: int,
    shifts: set[int] | frozenset[int],
    *,
    home: Place = CHONGLI_TOWN,
    eligible: set[int] | None = None,
    busy: tuple[tuple[float, float], ...] = (),
    **extra: object,
) -> Candidate:
    return Candidate(
        id=cid,
        home=home,
        eligible=frozenset(shifts if eligible is None else eligible),
        available=frozenset(shifts),
        busy=tuple(
            Interval(MORNING + timedelta(hours=a), MORNING + timedelta(hours=b)) for a, b in busy
        ),
        **extra,  # type: ignore[arg-type]
    )
