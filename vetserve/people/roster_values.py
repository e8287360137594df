"""Roster cell text to the volunteer's choices: the many ways offices write a gender, a
service branch or a political affiliation.

Each parser returns the value or raises `BadValue` with a message for people. Text arrives
already folded to half-width (see `vetserve.core.text.fold_width`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext as _

from vetserve.people.models import Branch, Gender, Party
from vetserve.spreadsheets.values import BadValue

_GENDERS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
}


@lru_cache(maxsize=512)  # a roster repeats a handful of values
def parse_gender(text: str) -> str:
    try:
        return _GENDERS[text.strip().lower()]
    except KeyError:
        raise BadValue(_("Write 男 or 女.")) from None


# Checked in order: the first word found in the cell decides.
_BRANCH_WORDS: tuple[tuple[str, str], ...] = (
    ("陆军", Branch.ARMY),
    ("海军", Branch.NAVY),
    ("空军", Branch.AIR_FORCE),
    ("火箭军", Branch.ROCKET_FORCE),
    ("二炮", Branch.ROCKET_FORCE),
    ("第二炮兵", Branch.ROCKET_FORCE),
    ("战略支援", Branch.SUPPORT),
    ("联勤保障", Branch.SUPPORT),
    ("信息支援", Branch.SUPPORT),
    ("网络空间", Branch.SUPPORT),
    ("航天", Branch.SUPPORT),
    ("武警", Branch.ARMED_POLICE),
    ("武装警察", Branch.ARMED_POLICE),
    ("其他", Branch.OTHER),
    ("其它", Branch.OTHER),
)


@lru_cache(maxsize=512)  # a roster repeats a handful of values
def parse_branch(text: str) -> str:
    for word, value in _BRANCH_WORDS:
        if word in text:
            return value
    lowered = text.strip().lower().replace(" ", "_")
    if lowered in Branch.values:
        return lowered
    for label_value in Branch:
        if str(label_value.label).lower() == text.strip().lower():
            return label_value.value
    raise BadValue(_("Write 陆军, 海军, 空军, 火箭军, 战略支援部队, 武警 or 其他."))


_PARTY_WORDS: dict[str, str] = {
    "中共党员": Party.MEMBER,
    "中国共产党党员": Party.MEMBER,
    "共产党员": Party.MEMBER,
    "党员": Party.MEMBER,
    "中共预备党员": Party.PROBATIONARY,
    "预备党员": Party.PROBATIONARY,
    "共青团员": Party.LEAGUE,
    "团员": Party.LEAGUE,
    "民主党派": Party.OTHER_PARTY,
    "民革党员": Party.OTHER_PARTY,
    "民盟盟员": Party.OTHER_PARTY,
    "民建会员": Party.OTHER_PARTY,
    "民进会员": Party.OTHER_PARTY,
    "农工党党员": Party.OTHER_PARTY,
    "致公党党员": Party.OTHER_PARTY,
    "九三学社社员": Party.OTHER_PARTY,
    "台盟盟员": Party.OTHER_PARTY,
    "无党派人士": Party.NONE,
    "无党派": Party.NONE,
    "群众": Party.NONE,
    "无": Party.NONE,
}


@lru_cache(maxsize=512)  # a roster repeats a handful of values
def parse_party(text: str) -> str:
    compact = re.sub(r"\s+", "", text)
    if compact in _PARTY_WORDS:
        return _PARTY_WORDS[compact]
    if compact.lower() in Party.values:
        return compact.lower()
    raise BadValue(_("Write 中共党员, 预备党员, 共青团员, 民主党派 or 群众."))
