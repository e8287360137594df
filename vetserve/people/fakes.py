"""Fictitious but valid resident ID numbers, for the demo, tests and benchmarks.

Every number made here has a sequence starting with 9 (positions 15–17 are ``9nn``), a range
this project reserves for made-up people, and passes the GB 11643 checksum so it exercises
real validation.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from vetserve.people.idnumbers import check_character

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "建国军华明伟强磊洋勇杰涛斌超刚平辉鹏亮红海峰文波宁东军卫民志刚春生庆丰国庆建军振华保国永胜立新晓光德明学军玉兰秀英桂芳淑珍丽华"  # noqa: E501


def fictitious_id_number(*, address_code: str, birth_date: date, male: bool, serial: int) -> str:
    """An 18-character ID: the sequence is 9nn, its parity carrying the gender."""
    sequence = 900 + (serial % 50) * 2 + (1 if male else 0)
    first17 = f"{address_code}{birth_date:%Y%m%d}{sequence}"
    return first17 + check_character(first17)


def fictitious_person(
    rng: random.Random,
    *,
    address_code: str,
    serial: int,
    born_between: tuple[int, int] = (1956, 2000),
) -> dict[str, object]:
    male = rng.random() < 0.93  # veterans are mostly men
    start = date(born_between[0], 1, 1)
    span = (date(born_between[1], 12, 31) - start).days
    birth = start + timedelta(days=rng.randrange(span))
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return {
        "name": rng.choice(SURNAMES) + given,
        "birth_date": birth,
        "gender": "male" if male else "female",
        "id_number": fictitious_id_number(
            address_code=address_code, birth_date=birth, male=male, serial=serial
        ),
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
    }
