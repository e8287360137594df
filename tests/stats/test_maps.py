"""The schematic map (no database): cells around centres, tiles where there are none."""

from __future__ import annotations

from vetserve.stats.maps import SHADES, Unit, map_layout


def test_units_with_centres_become_cells_and_the_rest_tiles_below() -> None:
    units = [
        Unit(1, "崇礼区", 10, "/a", 115.28, 40.97),
        Unit(2, "张北县", 5, "/b", 114.72, 41.16),
        Unit(3, "蔚县", 0, "/c", 114.59, 39.84),
        Unit(4, "察北管理区", 2, "/d"),
    ]
    layout = map_layout(units)
    assert [c.name for c in layout.cells] == ["崇礼区", "张北县", "蔚县", "察北管理区"]
    assert not layout.schematic_tiles
    # The busiest unit is darkest, an empty one the lightest shade.
    fills = {c.name: c.fill for c in layout.cells}
    assert fills["崇礼区"] == SHADES[-1] and fills["蔚县"] == SHADES[0]
    tile_top = min(float(p.split(",")[1]) for p in layout.cells[3].points.split())
    assert tile_top >= max(
        float(p.split(",")[1]) for c in layout.cells[:3] for p in c.points.split()
    )


def test_without_centres_every_unit_is_a_tile() -> None:
    layout = map_layout([Unit(i, f"镇{i}", i, "/") for i in range(7)])
    assert layout.schematic_tiles and len(layout.cells) == 7
