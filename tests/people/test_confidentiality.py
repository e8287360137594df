"""Personal data stays confidential, end to end (issue 20, part 3).

王建国's full ID, phone and emergency numbers are looked for everywhere a user or an operator
could read them: every page and API answer Bob (county admin, no reveal permission) can open
about him, the roster export, the audit log (pages, API and rows), every log line and every
address the application sends a browser to. They appear only in the answer to a reveal that
was allowed and logged. After erasure nothing of them is left on the row, not even masked.
"""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import login
from tests.people.test_pages import with_reveal
from vetserve.audit.models import AuditEntry
from vetserve.people import services
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.idnumbers import mask_id_number, mask_phone
from vetserve.people.models import Volunteer

ID = fictitious_id_number(address_code="130709", birth_date=date(1971, 4, 23), male=True, serial=7)
PHONE, EMERGENCY, DOC = "13912345678", "13687654321", "军退字2001第778899号"
SECRETS = (ID, PHONE, EMERGENCY, DOC)


@pytest.fixture
def wang(cast: Any) -> Volunteer:
    volunteer = services.volunteer_register(
        actor=cast.bob,
        name="王建国",
        id_number=ID,
        phone=PHONE,
        emergency_phone=EMERGENCY,
        discharge_doc=DOC,
        residence_region=cast.xiwanzi,
        home_org=cast.xiwanzi_team,
    )
    # A correction through the page, so the log holds an update with old and new numbers.
    services.volunteer_update(actor=cast.bob, volunteer=volunteer, phone="13912345679")
    services.volunteer_update(actor=cast.bob, volunteer=volunteer, phone=PHONE)
    return volunteer


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def _everything_bob_reads(client: Client, wang: Volunteer) -> dict[str, str]:
    pk = wang.pk
    pages = [
        "/",
        "/people/",
        f"/people/{pk}/",
        f"/people/{pk}/edit/",
        f"/people/{pk}/erase/",
        f"/skills/volunteer/{pk}/",
        "/people/duplicates/",
        "/people/corrections/",
        "/audit/",
        "/badges/",
        "/api/v1/volunteers",
        f"/api/v1/volunteers/{pk}",
        f"/api/v1/volunteers/{pk}/memberships",
        "/api/v1/audit",
        "/spreadsheets/roster/export/?format=csv",
        "/spreadsheets/roster/export/",
    ]
    seen: dict[str, str] = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if body.startswith(b"PK"):  # an .xlsx: read its cells, the bytes are compressed
            book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
            text = "\n".join(
                str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                for cell in row if cell is not None
            )  # fmt: skip
        else:
            text = body.decode("utf-8-sig", "replace")
        seen[url] = text + response.get("Location", "")
    return seen


def test_no_page_api_answer_export_or_redirect_shows_a_full_number(
    client: Client, cast: Any, wang: Volunteer
) -> None:
    login(client, cast.bob)
    seen = _everything_bob_reads(client, wang)
    # The test looks where the person is shown.
    for url in (f"/people/{wang.pk}/", "/spreadsheets/roster/export/", "/api/v1/volunteers"):
        assert wang.phone_masked in seen[url], url
    assert wang.id_number_masked in seen["/spreadsheets/roster/export/?format=csv"]
    leaks = {url: _leaks(text) for url, text in seen.items() if _leaks(text)}
    assert leaks == {}
    hrefs = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', "".join(seen.values()))
    assert hrefs and not [h for h in hrefs if _leaks(h)]


def test_no_audit_entry_and_no_log_line_holds_a_full_number(
    client: Client, cast: Any, wang: Volunteer, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    revealer = with_reveal(cast.bob)
    login(client, revealer)
    _everything_bob_reads(client, wang)
    for field, secret in (("id_number", ID), ("phone", PHONE), ("emergency_phone", EMERGENCY)):
        response = client.post(
            f"/api/v1/volunteers/{wang.pk}/reveal",
            {"field": field, "reason": "核对保险信息"},
            content_type="application/json",
        )
        assert response.status_code == 200 and secret in response.content.decode()
    client.post(f"/people/{wang.pk}/edit/", {"phone": "13912345670"})
    services.volunteer_erase(actor=cast.bob, volunteer=wang, reason="本人申请删除")
    rows = list(AuditEntry.objects.values())
    assert sum(row["action"] == "volunteer.reveal" for row in rows) == 3
    assert _leaks(json.dumps(rows, default=str, ensure_ascii=False)) == []
    assert _leaks("\n".join(r.getMessage() for r in caplog.records)) == []


def test_a_reveal_not_allowed_shows_nothing_and_logs_no_reveal(
    client: Client, cast: Any, wang: Volunteer
) -> None:
    # Region administrators in scope may reveal (issue 13); the auditor never, a county
    # administrator elsewhere and a team leader without the permission neither.
    for who in (cast.frank, cast.carol, cast.dave):
        login(client, who)
        response = client.post(
            f"/api/v1/volunteers/{wang.pk}/reveal",
            {"field": "id_number", "reason": "核对"},
            content_type="application/json",
        )
        assert response.status_code in (403, 404) and not _leaks(response.content.decode())
    assert not AuditEntry.objects.filter(action="volunteer.reveal").exists()


def test_after_erasure_nothing_of_the_person_is_left_on_the_row(cast: Any, wang: Volunteer) -> None:
    masked = {wang.id_number_masked, wang.phone_masked, wang.emergency_phone_masked}
    masked.add(wang.discharge_doc_masked)
    services.volunteer_erase(actor=cast.bob, volunteer=wang, reason="本人申请删除")
    row = Volunteer.objects.filter(pk=wang.pk).values().get()
    assert row["birth_year"] is None and row["birth_date_enc"] == ""
    assert row["id_number_index"] is None
    for column in (
        "id_number_enc", "id_number_masked", "phone_enc", "phone_index", "phone_masked",
        "emergency_phone_enc", "emergency_phone_masked", "discharge_doc_enc",
        "discharge_doc_masked", "health_enc", "name_initials", "name_pinyin", "address",
        "emergency_name",
    ):  # fmt: skip
        assert row[column] in ("", None), column
    text = json.dumps(row, default=str, ensure_ascii=False)
    assert "王建国" not in text and not _leaks(text)
    assert not [m for m in masked if m and m in text]


@given(
    st.text(alphabet="0123456789X", min_size=0, max_size=24),
)
def test_the_id_mask_shows_at_most_the_address_code_and_the_last_four(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    shown = [i for i, c in enumerate(masked) if c != "*"]
    if len(number) < 10:
        assert shown == []
    else:
        assert shown == [*range(6), *range(len(number) - 4, len(number))]
        assert masked[:6] == number[:6] and masked[-4:] == number[-4:]


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_mobile_mask_shows_the_first_three_and_last_four_digits(phone: str) -> None:
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]


@given(st.from_regex(r"0[1-9][0-9]{1,2}-[2-9][0-9]{6,7}", fullmatch=True))
def test_a_landline_mask_shows_the_area_code_and_last_four_digits(phone: str) -> None:
    area, local = phone.split("-")
    assert mask_phone(phone) == f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"


def test_a_number_of_no_known_shape_shows_no_more_than_its_last_four() -> None:
    assert mask_phone("88123456") == "****3456"
    assert mask_phone("0313") == "0313"  # four digits are all its last four
