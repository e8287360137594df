"""The dashboard's map, drawn on the server: the units one level down shaded by a figure.

No boundaries ship with VetServe (none on a registry we could use offline), so the map is a
schematic one, honest about being one: where the units have centre points (a city's counties,
from the divisions CSV) each unit is the area closer to its centre than to any other (a Voronoi
cell, clipped to the frame), which keeps neighbours beside each other as on a real map; where
they have none (a county's townships) the units are square tiles in code order. Pure
arithmetic, no Django: the template draws what ``map_layout`` returns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 520.0
MAX_HEIGHT = 560.0
MARGIN = 16.0
TILE = 96.0
GAP = 6.0
# Light to dark; the lightest is kept for zero.
SHADES = ("#eef2f6", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
MIN_LABEL_AREA = 1400.0  # px²: a smaller cell shows its name on hover and in the table only

Point = tuple[float, float]


@dataclass(frozen=True)
class Unit:
    key: int
    name: str
    value: Decimal | int
    url: str
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True)
class Cell:
    key: int
    name: str
    value: Decimal | int
    url: str
    points: str  # SVG polygon points
    label_x: float
    label_y: float
    labelled: bool
    fill: str
    dark: bool  # white text on it


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    cells: list[Cell]
    legend: list[tuple[str, str]]  # (shade, range in words)
    schematic_tiles: bool


def _shade(value: float, top: float) -> tuple[str, bool]:
    if value <= 0 or top <= 0:
        return SHADES[0], False
    step = min(len(SHADES) - 2, int(value / top * (len(SHADES) - 1) - 1e-9))
    return SHADES[step + 1], step + 1 >= 4


def _legend(top: float) -> list[tuple[str, str]]:
    if top <= 0:
        return [(SHADES[0], "0")]
    steps = len(SHADES) - 1
    out = [(SHADES[0], "0")]
    for i in range(steps):
        low, high = top * i / steps, top * (i + 1) / steps
        out.append((SHADES[i + 1], f"{_round(low)}–{_round(high)}"))
    return out


def _round(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:,.1f}"


def map_layout(units: Sequence[Unit]) -> MapLayout:
    """Cells around the centres of the units that have one (at least three), then a row of
    tiles below for those that have none (a city's statistical function zones); all tiles
    when fewer than three have a centre (a county's townships)."""
    top = max((float(u.value) for u in units), default=0.0)
    placed = [u for u in units if u.lon is not None and u.lat is not None]
    if len(placed) < 3:
        return _tiles(units, top)
    cells = _voronoi(placed, top)
    rest = [u for u in units if u.lon is None or u.lat is None]
    if not rest:
        return cells
    below = _tiles(rest, top, top_y=cells.height)
    return MapLayout(WIDTH, below.height, cells.cells + below.cells, cells.legend, False)


def _project(units: Sequence[Unit]) -> tuple[list[Point], float]:
    lons = [float(u.lon or 0) for u in units]
    lats = [float(u.lat or 0) for u in units]
    mid = math.radians((min(lats) + max(lats)) / 2)
    xs = [lon * math.cos(mid) for lon in lons]
    ys = [-lat for lat in lats]
    span_x = max(max(xs) - min(xs), 1e-6)
    span_y = max(max(ys) - min(ys), 1e-6)
    inner = WIDTH - 2 * MARGIN - 40
    scale = min(inner / span_x, (MAX_HEIGHT - 2 * MARGIN - 40) / span_y)
    pts = [
        (MARGIN + 20 + (x - min(xs)) * scale, MARGIN + 20 + (y - min(ys)) * scale)
        for x, y in zip(xs, ys, strict=True)
    ]
    height = span_y * scale + 2 * MARGIN + 40
    return pts, height


def _clip(poly: list[Point], a: Point, b: Point) -> list[Point]:
    """The part of ``poly`` closer to ``a`` than to ``b`` (Sutherland–Hodgman, one edge)."""
    nx, ny = b[0] - a[0], b[1] - a[1]
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2

    def side(p: Point) -> float:
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out: list[Point] = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        sp, sq = side(p), side(q)
        if sp <= 0:
            out.append(p)
        if (sp <= 0) != (sq <= 0):
            t = sp / (sp - sq)
            out.append((p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t))
    return out


def _area_centre(poly: list[Point]) -> tuple[float, Point]:
    area = cx = cy = 0.0
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        cross = p[0] * q[1] - q[0] * p[1]
        area += cross
        cx += (p[0] + q[0]) * cross
        cy += (p[1] + q[1]) * cross
    if abs(area) < 1e-9:
        return 0.0, poly[0] if poly else (0.0, 0.0)
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def _voronoi(units: Sequence[Unit], top: float) -> MapLayout:
    pts, height = _project(units)
    frame = [(MARGIN, MARGIN), (WIDTH - MARGIN, MARGIN),
             (WIDTH - MARGIN, height - MARGIN), (MARGIN, height - MARGIN)]  # fmt: skip
    cells = []
    for i, unit in enumerate(units):
        poly = list(frame)
        for j, other in enumerate(pts):
            if i != j and other != pts[i]:
                poly = _clip(poly, pts[i], other)
        area, centre = _area_centre(poly)
        fill, dark = _shade(float(unit.value), top)
        cells.append(
            Cell(
                key=unit.key,
                name=unit.name,
                value=unit.value,
                url=unit.url,
                points=" ".join(f"{x:.1f},{y:.1f}" for x, y in poly),
                label_x=round(centre[0], 1),
                label_y=round(centre[1], 1),
                labelled=area >= MIN_LABEL_AREA,
                fill=fill,
                dark=dark,
            )
        )
    return MapLayout(WIDTH, round(height, 1), cells, _legend(top), schematic_tiles=False)


def _tiles(units: Sequence[Unit], top: float, top_y: float = 0.0) -> MapLayout:
    columns = max(1, int((WIDTH - 2 * MARGIN + GAP) // (TILE + GAP)))
    cells = []
    for i, unit in enumerate(units):
        row, col = divmod(i, columns)
        x, y = MARGIN + col * (TILE + GAP), top_y + MARGIN + row * (TILE + GAP)
        corners = [(x, y), (x + TILE, y), (x + TILE, y + TILE), (x, y + TILE)]
        fill, dark = _shade(float(unit.value), top)
        cells.append(
            Cell(
                key=unit.key,
                name=unit.name,
                value=unit.value,
                url=unit.url,
                points=" ".join(f"{px:.1f},{py:.1f}" for px, py in corners),
                label_x=x + TILE / 2,
                label_y=y + TILE / 2,
                labelled=True,
                fill=fill,
                dark=dark,
            )
        )
    rows = (len(units) + columns - 1) // columns
    height = top_y + 2 * MARGIN + max(rows, 1) * (TILE + GAP)
    return MapLayout(WIDTH, height, cells, _legend(top), schematic_tiles=True)
