"""Chart definitions (Vega-Lite specs) and their rendering to SVG on the server.

One spec feeds the dashboard page and, later, the PDF report: ``trend_spec``, ``bars_spec``
build the specs from plain rows (label, value) with no Django in them, and ``chart_svg(spec)``
renders any spec to SVG with vl-convert (Vega in an embedded engine: no browser, no network,
no JavaScript on the page). Rendering costs 0.1–0.2 s a chart, so each SVG is cached by the
spec's content: the same figures never render twice, and new figures make a new key.

Charts are drawn large in text (14 px labels, 16 px titles) so that they read on a projector;
the page scales them to the screen's width, and shows the numbers as a table beside each one.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WIDTH = 560
HEIGHT = 260
FONT = "Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif"
COLOR = "#1f5fa8"
SECOND = "#c0392b"
CACHE_SECONDS = 24 * 3600

CONFIG: dict[str, Any] = {
    "font": FONT,
    "axis": {"labelFontSize": 14, "titleFontSize": 14, "labelLimit": 180},
    "legend": {"labelFontSize": 14, "titleFontSize": 14},
    "title": {"fontSize": 16},
    "view": {"stroke": None},
    "background": "white",
}


def trend_spec(
    rows: Sequence[tuple[str, float, float]], *, value_title: str, line_title: str
) -> dict[str, Any]:
    """Bars of one figure by month (``value``) with a second as a line (``line``), each on its
    own axis: rows are (month label, value, line value)."""
    data = [{"month": m, "value": float(v), "line": float(n)} for m, v, n in rows]
    x = {"field": "month", "type": "ordinal", "title": None, "sort": None,
         "axis": {"labelAngle": -45}}  # fmt: skip
    return {
        "$schema": SCHEMA,
        "width": WIDTH,
        "height": HEIGHT,
        "data": {"values": data},
        "layer": [
            {
                "mark": {"type": "bar", "color": COLOR},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative", "title": value_title},
                },
            },
            {
                "mark": {"type": "line", "color": SECOND, "point": True, "strokeWidth": 3},
                "encoding": {
                    "x": x,
                    "y": {"field": "line", "type": "quantitative", "title": line_title},
                },
            },
        ],
        "resolve": {"scale": {"y": "independent"}},
        "config": CONFIG,
    }


def bars_spec(rows: Sequence[tuple[str, float]], *, value_title: str) -> dict[str, Any]:
    """Horizontal bars, largest first: rows are (label, value)."""
    data = [{"label": label, "value": float(value)} for label, value in rows]
    return {
        "$schema": SCHEMA,
        "width": WIDTH - 160,
        "height": {"step": 26},
        "data": {"values": data},
        "mark": {"type": "bar", "color": COLOR},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "title": None, "sort": "-x"},
            "x": {"field": "value", "type": "quantitative", "title": value_title},
        },
        "config": CONFIG,
    }


def spec_key(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def chart_svg(spec: dict[str, Any]) -> str:
    """The spec drawn as an SVG document (text), from the cache when drawn before."""
    key = f"stats:svg:{spec_key(spec)}"
    svg = cache.get(key)
    if svg is None:
        import vl_convert

        svg = vl_convert.vegalite_to_svg(spec)
        cache.set(key, svg, CACHE_SECONDS)
    return str(svg)


def svg_data_uri(svg: str) -> str:
    """For an ``<img src>``: the SVG stays a picture (no script, no style of the page reaches
    into it, and the page's Content-Security-Policy needs no inline style)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
