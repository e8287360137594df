"""Masking designed against combination (issue 12, item 15; docs/decisions/0004).

The mask 130722********123X hides exactly the eight birth-date digits. Whatever is shown
together with it must leave the birth date open: here an attacker collects every output that
shows a masked number — the roster, the volunteer's page and the pages around it, the API, the
masked exports in both formats, badges, the audit log — for every role that may not reveal,
plus a raw dump of every database table (no keys), and tries to rebuild each full number:
every birth date consistent with what is shown beside the mask, kept only if the check
character (GB 11643) comes out as shown. No number may be left with a single candidate.

The attacker is given the year of birth for free (it is shown, by design), and uses every full
date and every exact age shown near the mask; documents are combined (the candidates are the
intersection over everything one person sees).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from tests.conftest import login, register_volunteer
from vetserve.badges.services import badge_issue
from vetserve.people import services
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.idnumbers import check_character, mask_id_number
from vetserve.people.models import Volunteer

pytestmark = pytest.mark.django_db

TODAY = date.today()
# Birth dates chosen at the edges where an exact age or a year narrows most: the first and
# last day of a year, 29 February, today's month and day, and some ordinary ones.
BIRTHS = [
    date(1960, 1, 1),
    date(1961, 12, 31),
    date(1964, 2, 29),
    date(1970, TODAY.month, min(TODAY.day, 28)),
    date(1971, 6, 15),
    date(1975, 3, 15),
    date(1980, 7, 1),
    date(1988, 10, 9),
    date(1999, 1, 2),
    date(2001, 12, 30),
]
# With the year and the check character shown, about 365/11 ≈ 33 birth dates remain per
# masked number; on this set the fewest is 32 (34 for Carol, who sees only 张北). Anything above
# one keeps the number unknown; this bound stops a regression that narrows it a lot.
MIN_CANDIDATES = 20

_DATE = re.compile(r"(\d{4})(?:-|年|/)(\d{1,2})(?:-|月|/)(\d{1,2})")
_AGE = re.compile(r"(\d{1,3})\s*(?:岁|years? old)")
_TAG = re.compile(r"<[^>]+>")


def _people(cast: Any) -> dict[str, Volunteer]:
    """Ten volunteers in 崇礼 (Bob's county, some in Dave's team, one in Erin's) and 张北."""
    teams = [cast.xiwanzi_team, cast.rescue, cast.rescue_sub, cast.zhangbei_team]
    people = {}
    for serial, born in enumerate(BIRTHS, start=1):
        team = teams[serial % len(teams)]
        actor = cast.carol if team == cast.zhangbei_team else cast.bob
        number = fictitious_id_number(
            address_code="130722" if team == cast.zhangbei_team else "130709",
            birth_date=born,
            male=serial % 3 != 0,
            serial=serial,
        )
        volunteer = register_volunteer(
            actor,
            team,
            number,
            name=f"测试{'甲乙丙丁戊己庚辛壬癸'[serial - 1]}",
            phone=f"139000{serial:05d}",
            enlisted_year=born.year + 18,
        )
        badge_issue(actor=actor, volunteer=volunteer, issued_on=date(2022, 1, 10))
        people[number] = volunteer
    # One correction of a number, so the audit log holds masked numbers in its changes.
    first = next(iter(people.values()))
    services.volunteer_update(actor=cast.bob, volunteer=first, phone="13900099999")
    return people


# --- what each output shows -------------------------------------------------------------------


def _html_windows(text: str, masked: str) -> Iterator[str]:
    """The table row around each occurrence of the masked number, or the whole page."""
    for match in re.finditer(re.escape(masked), text):
        start = text.rfind("<tr", 0, match.start())
        if start != -1 and text.rfind("</tr>", 0, match.start()) < start:
            end = text.find("</tr>", match.end())
            yield _TAG.sub(" ", text[start:end])
        else:
            yield _TAG.sub(" ", text)


def _json_windows(data: Any, masked: str) -> Iterator[str]:
    """Each object that holds the masked number (as a value or in a list value), as text."""
    if isinstance(data, dict):
        values = [v for v in data.values() if isinstance(v, str)]
        values += [x for v in data.values() if isinstance(v, list) for x in v if isinstance(x, str)]
        if any(masked in v for v in values):
            yield json.dumps(data, ensure_ascii=False, default=str)
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _json_windows(value, masked)
    elif isinstance(data, list):
        for item in data:
            yield from _json_windows(item, masked)


def _rows_windows(rows: list[list[str]], masked: str) -> Iterator[str]:
    header = rows[0] if rows else []
    for row in rows:
        if any(masked in cell for cell in row):
            yield " ".join(f"{h}={c}" for h, c in zip(header, row, strict=False))


class Seen:
    """Everything one person (or a dump) shows: (kind, content) documents."""

    def __init__(self) -> None:
        self.documents: list[tuple[str, Any]] = []

    def windows(self, masked: str) -> Iterator[tuple[str, str]]:
        for kind, content in self.documents:
            if kind == "html":
                for window in _html_windows(content, masked):
                    yield kind, window
            elif kind == "json":
                for window in _json_windows(content, masked):
                    yield kind, window
            else:
                for window in _rows_windows(content, masked):
                    yield kind, window


def _collect(client: Client, people: dict[str, Volunteer]) -> Seen:
    seen = Seen()

    def page(url: str, **params: Any) -> None:
        response = client.get(url, params)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            seen.documents.append(("html", response.content.decode()))

    def api(url: str, **params: Any) -> None:
        response = client.get(url, params)
        if response.status_code == 200:
            seen.documents.append(("json", response.json()))

    page("/people/")
    page("/people/duplicates/")
    page("/people/corrections/")
    page("/badges/")
    page("/audit/")
    api("/api/v1/volunteers", limit=500)
    api("/api/v1/volunteers/duplicates")
    api("/api/v1/badges", limit=500)
    api("/api/v1/audit", limit=500)
    ids = [v.pk for v in people.values()]
    for pk in ids:
        page(f"/people/{pk}/")
        page(f"/people/{pk}/edit/")
        page(f"/people/{pk}/erase/")
        api(f"/api/v1/volunteers/{pk}")
        api(f"/api/v1/volunteers/{pk}/memberships")
    page("/people/merge/", a=ids[0], b=ids[1])
    for badge_id in Volunteer.objects.filter(pk__in=ids).values_list("badges__pk", flat=True):
        page(f"/badges/{badge_id}/")
    for fmt in ("csv", "xlsx"):
        response = client.get("/spreadsheets/roster/export/", {"format": fmt})
        if response.status_code != 200:
            continue
        content = b"".join(response.streaming_content)
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        else:
            sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
            rows = [
                ["" if c is None else str(c) for c in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        seen.documents.append((fmt, rows))
    return seen


def _database_dump() -> Seen:
    """Every row of every table, as someone holding a dump but no keys reads it."""
    seen = Seen()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            names = [column[0] for column in cursor.description]
            rows = [[str(value) for value in row] for row in cursor.fetchall()]
            seen.documents.append((f"table {table}", [names, *rows]))
    return seen


# --- the attack -------------------------------------------------------------------------------


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _dates_of(year: int) -> list[date]:
    day, dates = date(year, 1, 1), []
    while day.year == year:
        dates.append(day)
        day += timedelta(days=1)
    return dates


def candidates(masked: str, year: int, seen: Seen) -> set[date]:
    """Birth dates that fit the mask's check character and everything shown beside it."""
    address, tail = masked[:6], masked[-4:]
    sequence, check = tail[:3], tail[3]
    fitting = {
        d for d in _dates_of(year) if check_character(f"{address}{d:%Y%m%d}{sequence}") == check
    }
    for _kind, window in seen.windows(masked):
        shown = set()
        for y, m, d in _DATE.findall(window):
            try:
                shown.add(date(int(y), int(m), int(d)))
            except ValueError:
                continue
        compact = {date(int(w[:4]), int(w[4:6]), int(w[6:])) for w in _compact_dates(window)}
        shown |= compact
        if shown & fitting:
            fitting &= shown
        for age in {int(a) for a in _AGE.findall(window)}:
            narrowed = {d for d in fitting if _age_on(d, TODAY) == age}
            if narrowed:
                fitting = narrowed
    return fitting


def _compact_dates(window: str) -> Iterator[str]:
    for word in re.findall(r"(?<!\d)(?:19|20)\d{6}(?!\d)", window):
        try:
            date(int(word[:4]), int(word[4:6]), int(word[6:]))
        except ValueError:
            continue
        yield word


def _fewest(people: dict[str, Volunteer], seen: Seen) -> tuple[int, list[str]]:
    fewest, rebuilt = 10**6, []
    for number in people:
        masked = mask_id_number(number)
        if not any(True for _ in seen.windows(masked)):
            continue
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        found = candidates(masked, born.year, seen)
        assert born in found, (masked, "the attack must not lose the true date")
        fewest = min(fewest, len(found))
        if len(found) == 1:
            rebuilt.append(number)
    return fewest, rebuilt


def test_no_full_id_number_can_be_rebuilt_from_what_any_role_without_reveal_sees(client, cast):
    people = _people(cast)
    seen_anything = 0
    for user in (cast.alice, cast.bob, cast.carol, cast.dave, cast.frank, cast.erin):
        client.logout()
        seen = _collect(login(client, user), people)
        fewest, rebuilt = _fewest(people, seen)
        if fewest < 10**6:
            seen_anything += 1
        assert rebuilt == [], f"{user.username} can rebuild {rebuilt}"
        assert fewest >= MIN_CANDIDATES, (user.username, fewest)
    # The attack saw masked numbers at all (else it proves nothing): every manager did.
    assert seen_anything >= 5


def test_no_full_id_number_can_be_rebuilt_from_a_database_dump_without_keys(cast):
    people = _people(cast)
    fewest, rebuilt = _fewest(people, _database_dump())
    assert rebuilt == []
    assert MIN_CANDIDATES <= fewest < 10**6, fewest


def test_the_attack_does_rebuild_a_number_shown_beside_its_birth_date():
    # The attack itself works: given the date beside the mask, it finds the number.
    number = fictitious_id_number(
        address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=7
    )
    seen = Seen()
    seen.documents.append(
        ("csv", [["出生日期", "身份证号"], ["1975-03-15", mask_id_number(number)]])
    )
    assert candidates(mask_id_number(number), 1975, seen) == {date(1975, 3, 15)}
    seen = Seen()
    seen.documents.append(("html", f"<tr><td>{mask_id_number(number)}</td><td>51岁</td></tr>"))
    assert len(candidates(mask_id_number(number), 1975, seen)) < 33


def test_the_person_still_sees_their_own_birth_date_and_the_reveal_still_gives_the_number(
    client, cast
):
    from django.contrib.auth.models import Permission

    wang = register_volunteer(cast.bob, cast.xiwanzi_team, born=date(1975, 3, 15))
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    page = login(client, cast.erin).get("/people/me/").content.decode()
    assert "1975-03-15" in page
    assert client.get("/api/v1/me/data").json()["birth_date"] == "1975-03-15"
    cast.bob.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    client.logout()
    login(client, cast.bob)
    response = client.post(
        f"/api/v1/volunteers/{wang.pk}/reveal",
        {"field": "id_number", "reason": "核对身份"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["value"][6:14] == "19750315"


def test_an_exact_age_limit_still_decides_by_the_full_birth_date(cast):
    from datetime import datetime

    from vetserve.skills.eligibility import Requirement
    from vetserve.skills.selectors import eligibility_for

    wang = register_volunteer(cast.bob, cast.xiwanzi_team, born=date(1975, 3, 15))
    at_most_50 = Requirement(max_age=50)
    day_before = datetime(2026, 3, 14, 12, tzinfo=datetime.now().astimezone().tzinfo)
    assert eligibility_for(wang, at_most_50, day_before).ok
    assert not eligibility_for(wang, at_most_50, day_before + timedelta(days=1)).ok
    assert Volunteer.objects.filter(birth_year=1975).get() == wang
