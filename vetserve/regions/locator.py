"""A place locator drawn on the server: a point among the city's county centres.

VetServe runs offline (no tile server, no CDN), so a map is a small SVG computed here from the
coordinates the divisions CSV gives each county (regions/data). Pure arithmetic on numbers and
names, no Django: the template draws what ``locator_layout`` returns.

The projection is equirectangular around the middle latitude (a degree of longitude is
cos(latitude) of a degree of latitude): at a city's scale, ~200 km, its error is under 1 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

KM_PER_DEGREE = 111.32
WIDTH = 320.0
MAX_HEIGHT = 360.0
MARGIN = 28.0
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200)
# Compass points, clockwise from north, for the text alternative.
DIRECTIONS = ("north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")


LABEL_SIZE = 13.0  # px; a CJK character is about as wide as it is high


@dataclass(frozen=True)
class Mark:
    name: str
    x: float
    y: float
    is_here: bool = False  # the county the place lies in: drawn stronger
    label_x: float = 0.0
    anchor: str = "start"  # SVG text-anchor: the label right of the dot, or left of it
    labelled: bool = True  # False where every place for the label hid another one


def _place_labels(marks: list[Mark], point: tuple[float, float]) -> list[Mark]:
    """Each label right of its dot, else left of it, else none: the city's urban districts
    lie a few km apart and their names would print over each other. The county the place is
    in is labelled first; no label covers the place's own point."""
    taken: list[tuple[float, float, float, float]] = [
        (point[0] - 8, point[1] - 8, point[0] + 8, point[1] + 8),
        *((m.x - 3, m.y - 3, m.x + 3, m.y + 3) for m in marks),  # no label hides a dot
    ]
    placed: list[Mark] = []
    for mark in sorted(marks, key=lambda m: not m.is_here):
        width = LABEL_SIZE * len(mark.name)
        top, bottom = mark.y - LABEL_SIZE / 2 - 1, mark.y + LABEL_SIZE / 2 + 1
        # Clear of the place's own marker when it sits on (or by) this dot.
        gap = 10.0 if abs(mark.x - point[0]) < 9 and abs(mark.y - point[1]) < 9 else 5.0
        for anchor, x0, x1 in (
            ("start", mark.x + gap, mark.x + gap + width),
            ("end", mark.x - gap - width, mark.x - gap),
        ):
            inside = x0 >= 0 and x1 <= WIDTH
            if inside and not any(
                x0 < b[2] and b[0] < x1 and top < b[3] and b[1] < bottom for b in taken
            ):
                taken.append((x0, top, x1, bottom))
                label_x = mark.x + gap if anchor == "start" else mark.x - gap
                placed.append(replace(mark, label_x=label_x, anchor=anchor))
                break
        else:
            placed.append(replace(mark, labelled=False))
    return sorted(placed, key=lambda m: m.name)


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    point_x: float
    point_y: float
    marks: list[Mark]
    scale_km: int
    scale_px: float
    nearest: str  # the county centre nearest the point
    nearest_km: float
    direction: str  # of the point as seen from that centre (one of DIRECTIONS), "" when at it


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine), in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def compass(lon1: float, lat1: float, lon2: float, lat2: float) -> str:
    """The compass point of (lon2, lat2) seen from (lon1, lat1)."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    dy = lat2 - lat1
    bearing = math.degrees(math.atan2(dx, dy)) % 360
    return DIRECTIONS[int((bearing + 22.5) // 45) % 8]


def locator_layout(
    point: tuple[float, float],
    centres: list[tuple[str, float, float]],
    *,
    here: str = "",
) -> Layout | None:
    """Where to draw ``point`` (lon, lat) and the named ``centres`` (name, lon, lat) in an SVG
    WIDTH wide, north up, with a scale bar of a round number of km. None without centres."""
    if not centres:
        return None
    lons = [point[0], *(c[1] for c in centres)]
    lats = [point[1], *(c[2] for c in centres)]
    mid_lat = (min(lats) + max(lats)) / 2
    x_factor = math.cos(math.radians(mid_lat))
    span_x = max((max(lons) - min(lons)) * x_factor, 0.02)
    span_y = max(max(lats) - min(lats), 0.02)
    scale = (WIDTH - 2 * MARGIN) / span_x  # px per degree of latitude
    if span_y * scale > MAX_HEIGHT - 2 * MARGIN:
        scale = (MAX_HEIGHT - 2 * MARGIN) / span_y
    height = span_y * scale + 2 * MARGIN + 16  # room below for the scale bar
    left = (WIDTH - span_x * scale) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (
            round(left + (lon - min(lons)) * x_factor * scale, 1),
            round(MARGIN + (max(lats) - lat) * scale, 1),
        )

    px, py = xy(*point)
    marks = _place_labels(
        [Mark(name, *xy(lon, lat), is_here=name == here) for name, lon, lat in centres], (px, py)
    )
    px_per_km = scale / KM_PER_DEGREE
    scale_km = next((km for km in reversed(NICE_KM) if km * px_per_km <= WIDTH / 3), NICE_KM[0])
    nearest = min(centres, key=lambda c: distance_km(point[0], point[1], c[1], c[2]))
    km = distance_km(point[0], point[1], nearest[1], nearest[2])
    return Layout(
        width=WIDTH,
        height=round(height, 1),
        point_x=px,
        point_y=py,
        marks=marks,
        scale_km=scale_km,
        scale_px=round(scale_km * px_per_km, 1),
        nearest=nearest[0],
        nearest_km=round(km, 1),
        direction=compass(nearest[1], nearest[2], point[0], point[1]) if km >= 0.5 else "",
    )
