"""A phone's GPS fix outside China (a glitch: 0/0, or an absurd number) is not kept, and the
check-in still counts: the bounds on stored coordinates never cost anyone their scan."""

from __future__ import annotations

from typing import Any

import pytest

from tests.attendance.conftest import at
from tests.attendance.test_services import qr_in
from vetserve.attendance.models import Attendance
from vetserve.attendance.services import attendance_scan


@pytest.mark.parametrize(("lat", "lon"), [(0.0, 0.0), (1e12, -1e12), (float("nan"), 115.0)])
def test_a_check_in_with_a_gps_fix_outside_china_counts_without_the_fix(
    cast: Any, post: Any, lat: float, lon: float
) -> None:
    result = attendance_scan(
        actor=post.wang.user, scan=qr_in(post, at(8), lat=lat, lon=lon), now=at(8)
    )
    assert result.status == "ok"
    stay = Attendance.objects.get()
    assert (stay.in_lat, stay.in_lon) == (None, None)


def test_a_check_in_inside_china_keeps_its_fix_to_four_decimals(cast: Any, post: Any) -> None:
    scan = qr_in(post, at(8), lat=40.901234, lon=115.450123)
    assert attendance_scan(actor=post.wang.user, scan=scan, now=at(8)).status == "ok"
    stay = Attendance.objects.get()
    assert (str(stay.in_lat), str(stay.in_lon)) == ("40.901200", "115.450100")
