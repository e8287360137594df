"""The rotating post code and the hours arithmetic, without a database."""

from datetime import timedelta

from django.test import override_settings

from tests.attendance.conftest import END, START, at
from vetserve.attendance import hours
from vetserve.attendance.tokens import post_token, post_token_read, qr_svg


@override_settings(ATTENDANCE_POST_QR_SECONDS=60)
def test_post_code_is_good_now_and_one_window_later_but_not_two() -> None:
    token = post_token(7, at=at(9, 0))
    assert post_token_read(token, at=at(9, 0)) == 7
    assert post_token_read(token, at=at(9, 1)) == 7
    assert post_token_read(token, at=at(9, 2)) is None
    assert post_token_read(token, at=at(8, 59)) is None  # not before it was shown


def test_forged_or_altered_post_code_is_refused() -> None:
    token = post_token(7, at=at(9))
    value, sig = token.split(":", 1)
    assert post_token_read(f"8{value[1:]}:{sig}", at=at(9)) is None
    assert post_token_read("7.999999999:AAAA", at=at(9)) is None
    assert post_token_read("", at=at(9)) is None


def test_qr_svg_is_a_picture_without_script() -> None:
    svg = qr_svg("https://example.cn/attendance/scan/7.1:abc")
    assert svg.startswith("<svg") and "<path" in svg and "script" not in svg


def test_served_minutes_count_only_time_inside_the_shift() -> None:
    def served(a, b):  # type: ignore[no-untyped-def]
        return hours.served_minutes_between(
            checked_in_at=a, checked_out_at=b, starts_at=START, ends_at=END
        )

    assert served(at(7, 30), at(12, 0)) == 240  # waiting before the start is not service
    assert served(at(9, 15), at(17, 0)) == 405  # staying on after the end is not either
    assert (
        served(
            at(9, 0),
            at(
                9,
                0,
            )
            + timedelta(seconds=119),
        )
        == 1
    )  # whole minutes
    assert served(at(16, 30), at(17, 0)) == 0


def test_scan_times_are_bounded() -> None:
    now = at(12)
    ok = {"now": now, "max_age": timedelta(days=3), "skew": timedelta(minutes=2)}
    assert hours.scan_time_problem(scanned_at=now - timedelta(days=2), **ok) is None
    assert hours.scan_time_problem(scanned_at=now + timedelta(minutes=5), **ok) == "future"
    assert hours.scan_time_problem(scanned_at=now - timedelta(days=4), **ok) == "too_old"


def test_early_and_late_limits() -> None:
    limits = {
        "starts_at": START,
        "ends_at": END,
        "early": timedelta(hours=1),
        "late": timedelta(hours=2),
    }
    assert hours.window_problem(kind="in", scanned_at=at(6, 59), **limits) == "too_early"
    assert hours.window_problem(kind="in", scanned_at=at(7, 0), **limits) is None
    assert hours.window_problem(kind="in", scanned_at=at(16, 0), **limits) == "shift_over"
    assert hours.window_problem(kind="out", scanned_at=at(18, 0), **limits) is None
    assert hours.window_problem(kind="out", scanned_at=at(18, 1), **limits) == "too_late"
    assert hours.auto_close_due(ends_at=END, now=at(18), late=timedelta(hours=2))


def test_distance_in_meters() -> None:
    assert 1100 < hours.distance_meters(40.9, 115.45, 40.91, 115.45) < 1120
