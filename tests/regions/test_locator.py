"""The place locator (issue 13): a server-drawn SVG of a place among its city's county centres,
with a text alternative, a scale bar and a north arrow, instead of raw coordinates."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.activities.conftest import make_activity
from tests.conftest import login
from vetserve.regions.locator import compass, distance_km, locator_layout


def test_the_compass_and_distance_are_those_of_a_map():
    assert compass(115.0, 40.0, 115.1, 40.1) == "northeast"
    assert compass(115.0, 40.0, 115.0, 39.9) == "south"
    assert 11.0 < distance_km(115.0, 40.0, 115.0, 40.1) < 11.2


def test_the_layout_keeps_everything_inside_and_labels_apart():
    centres = [("甲县", 114.9, 40.8), ("乙区", 114.88, 40.79), ("丙县", 115.6, 41.5)]
    layout = locator_layout((115.2, 41.0), centres, here="甲县")
    assert layout is not None
    for x, y in [(layout.point_x, layout.point_y), *((m.x, m.y) for m in layout.marks)]:
        assert 0 <= x <= layout.width and 0 <= y <= layout.height
    assert layout.scale_px <= layout.width / 3
    labelled = [m for m in layout.marks if m.labelled]
    assert any(m.name == "甲县" for m in labelled)  # the place's own county comes first
    assert layout.nearest == "甲县"


def test_the_region_page_draws_the_county_among_the_city(client, cast):
    page = login(client, cast.bob).get("/regions/130709/").content.decode()
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="locator-title locator-desc"' in svg
    assert "位置示意图：张家口市及所辖区县" in svg
    assert '<desc id="locator-desc">标记点为崇礼区中心，图中为张家口市各区县。</desc>' in svg
    assert 'font-weight="700">崇礼区</text>' in svg
    assert re.search(r">\d+ 公里</text>", svg)  # the scale bar
    assert ">北</text>" in svg  # the north arrow


def test_the_activity_page_shows_the_map_and_keeps_coordinates_small(client, cast):
    activity = make_activity(cast, lat=Decimal("40.9800"), lon=Decimal("115.4200"))
    page = login(client, cast.dave).get(f"/activities/{activity.pk}/").content.decode()
    assert "<svg" in page
    assert re.search(r"太舞滑雪小镇停车场位于崇礼区中心\S+约 [\d.]+ 公里处。", page)
    assert '<small class="muted locator__coords">纬度 40.980000，经度 115.420000</small>' in page


def test_an_activity_without_coordinates_is_shown_at_its_county_centre(client, cast):
    activity = make_activity(cast)
    page = login(client, cast.dave).get(f"/activities/{activity.pk}/").content.decode()
    assert "太舞滑雪小镇停车场未填写坐标：图中标记为崇礼区中心。" in page
    assert "locator__coords" not in page


def test_an_outsider_sees_no_locator_of_a_place_not_theirs(client, cast):
    activity = make_activity(cast, lat=Decimal("40.9800"), lon=Decimal("115.4200"))
    assert login(client, cast.carol).get(f"/activities/{activity.pk}/").status_code == 404
    assert login(client, cast.mallory).get("/regions/130709/").status_code == 404
