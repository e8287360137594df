"""Resident ID numbers (GB 11643-1999) and phone numbers: parse, validate, mask.

Pure functions, no database: the roster form, the import and the API all call these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from vetserve.core.text import fold_width

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class InvalidNumber(ValueError):
    """A number that cannot be accepted; ``code`` is machine-readable, ``str()`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ResidentId:
    number: str  # 18 characters, upper-case X
    address_code: str
    birth_date: date
    gender: str  # "male" or "female": the sequence digit is odd for men

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize_id_number(raw: object) -> str:
    """Fold full-width characters, drop spaces, upper-case the x. Does not validate."""
    text = fold_width(str(raw or ""))
    return re.sub(r"\s+", "", text).upper()


def parse_id_number(raw: object, *, today: date | None = None) -> ResidentId:
    number = normalize_id_number(raw)
    if not number:
        raise InvalidNumber("required", _("The ID number is missing."))
    if _SCIENTIFIC.match(number):
        raise InvalidNumber(
            "excel_scientific",
            _(
                "The ID number %(value)s was turned into a number by Excel and its last digits "
                "are lost; re-enter it as text."
            )
            % {"value": number},
        )
    if len(number) == 15 and number.isdigit():
        raise InvalidNumber(
            "legacy_15",
            _("15-digit ID numbers are no longer valid; ask for the 18-digit number."),
        )
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise InvalidNumber("format", _("An ID number has 17 digits followed by a digit or X."))
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidNumber(
            "birth_date", _("The birth date inside the ID number is not a real date.")
        ) from None
    today = today or date.today()
    if birth > today or birth.year < 1900:
        raise InvalidNumber(
            "birth_date", _("The birth date inside the ID number is not plausible.")
        )
    if check_character(number[:17]) != number[17]:
        raise InvalidNumber(
            "checksum", _("The ID number's check character is wrong; check for a typo.")
        )
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, address_code=number[:6], birth_date=birth, gender=gender)


def mask_id_number(number: str) -> str:
    """130722********123X: address code and last four only."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


# What a typed search looks like when it is a personal number: digits (an ID number may end in
# X), perhaps with spaces, dashes, brackets or +86 — 7 digits or more (a local landline number).
_PERSONAL_NUMBER = re.compile(r"^\+?[\d\s\-()（）]{7,}[xX]?$")


def looks_like_personal_number(text: object) -> bool:
    """Whether a search text is (or begins) an ID or phone number: such text must not travel
    in a URL (access logs, browser history). Badge numbers (ZJK-130709-00001) and names do not
    qualify."""
    folded = fold_width(str(text or "")).strip()
    return bool(_PERSONAL_NUMBER.match(folded)) and sum(ch.isdigit() for ch in folded) >= 7


def mask_search(text: str) -> str:
    """A search text fit for a log: a personal number masked as on screen, other text as is."""
    if not looks_like_personal_number(text):
        return text
    compact = re.sub(r"[^\dX]", "", normalize_id_number(text))
    if len(compact) == 18:
        return mask_id_number(compact)
    return compact[:3] + "*" * max(len(compact) - 7, 0) + compact[-4:]


def normalize_phone(raw: object) -> str:
    text = normalize_id_number(raw).replace("—", "-")
    text = re.sub(r"[()（）\s]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def parse_phone(raw: object) -> str:
    """An 11-digit mobile number, or a landline with area code (0313-1234567)."""
    phone = normalize_phone(raw)
    if not phone:
        raise InvalidNumber("required", _("The phone number is missing."))
    if _SCIENTIFIC.match(phone):
        raise InvalidNumber(
            "excel_scientific",
            _("The phone number was turned into a number by Excel; re-enter it as text."),
        )
    if _MOBILE.match(phone):
        return phone
    if _LANDLINE.match(phone):
        return phone if "-" in phone else _split_landline(phone)
    raise InvalidNumber(
        "format",
        _("A phone number is an 11-digit mobile number or a landline with its area code."),
    )


def _split_landline(digits: str) -> str:
    # Three-digit area codes are the big cities (010, 02x); the rest have four (0313).
    area = 3 if digits[1] in "12" else 4
    return f"{digits[:area]}-{digits[area:]}"


def mask_phone(phone: str) -> str:
    """139****0000 for mobiles, 0313-***4567 for landlines."""
    if _MOBILE.match(phone):
        return phone[:3] + "****" + phone[-4:]
    area, _sep, local = phone.partition("-")
    if local:
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return "*" * max(len(phone) - 4, 0) + phone[-4:]
