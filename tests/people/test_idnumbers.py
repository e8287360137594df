from __future__ import annotations

from datetime import date

import pytest

from vetserve.people.idnumbers import (
    InvalidNumber,
    check_character,
    mask_id_number,
    mask_phone,
    parse_id_number,
    parse_phone,
)


def make_id(prefix17: str) -> str:
    return prefix17 + check_character(prefix17)


def test_a_valid_id_gives_birth_date_and_gender():
    number = make_id("13072219750315123")
    parsed = parse_id_number(number)
    assert parsed.birth_date == date(1975, 3, 15)
    assert parsed.gender == "male"  # 3 is odd
    assert parsed.address_code == "130722"


def test_the_published_example_with_x_checks():
    # GB 11643 worked example: 11010519491231002X
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"
    assert parse_id_number("11010519491231002X").gender == "female"


def test_full_width_digits_and_spaces_are_folded():
    number = make_id("13070919800101002")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number[:9]) + " " + number[9:]
    assert parse_id_number(wide).number == number


def test_a_wrong_check_character_is_refused_with_a_reason():
    number = make_id("13072219750315123")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(InvalidNumber) as info:
        parse_id_number(wrong)
    assert info.value.code == "checksum"


def test_excel_scientific_notation_is_refused_never_guessed():
    with pytest.raises(InvalidNumber) as info:
        parse_id_number("1.30722E+17")
    assert info.value.code == "excel_scientific"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("130722750315123", "legacy_15"),
        ("1307221975031512", "format"),
        (make_id("13072219750230123"), "birth_date"),
        (make_id("13072221000101123"), "birth_date"),
    ],
)
def test_malformed_numbers_are_refused(raw, code):
    with pytest.raises(InvalidNumber) as info:
        parse_id_number(raw, today=date(2026, 11, 29))
    assert info.value.code == code


def test_legacy_address_codes_are_accepted():
    # 130733 was 崇礼县 before it became a district; IDs never change.
    assert parse_id_number(make_id("13073319650101001")).address_code == "130733"


def test_masks_show_only_the_ends():
    assert mask_id_number("13072219750315123X") == "130722********123X"
    assert mask_phone("13900000000") == "139****0000"
    assert mask_phone("0313-1234567") == "0313-***4567"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("139 0000 0000", "13900000000"),
        ("+86 13900000000", "13900000000"),
        ("０３１３－１２３４５６７", "0313-1234567"),
        ("03131234567", "0313-1234567"),
        ("010-12345678", "010-12345678"),
        ("0313—1234567", "0313-1234567"),  # an em dash typed for the hyphen
        ("(0313)1234567", "0313-1234567"),
        ("（010）12345678", "010-12345678"),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "23900000000", "1.39E+10", ""])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(InvalidNumber):
        parse_phone(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01012345678", "010-12345678"),
        ("02187654321", "021-87654321"),
        ("03131234567", "0313-1234567"),
    ],
)
def test_a_landline_without_its_dash_is_split_after_a_three_or_four_digit_area_code(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("03131234567", "*******4567"), ("95512", "*5512"), ("110", "110")],
)
def test_a_number_neither_mobile_nor_split_still_shows_only_its_last_four(phone, masked):
    assert mask_phone(phone) == masked
