"""Badges for a roster selection (issued together, audited, scoped) and A4 sheets of cards."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import date

from tests.badges.conftest import register
from tests.conftest import login
from vetserve.audit.models import AuditEntry
from vetserve.badges.models import Badge, Status
from vetserve.badges.services import badge_issue, badge_report_lost
from vetserve.people.services import volunteer_status_change


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", data))


def pdf_text(data: bytes) -> str:
    """The page content streams, inflated: card numbers are drawn as plain Helvetica strings."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:  # reportlab writes its streams ASCII85 over Flate
            chunks.append(
                zlib.decompress(base64.a85decode(stream.strip(), adobe=True)).decode("latin-1")
            )
        except (ValueError, zlib.error):
            continue
    return "\n".join(chunks)


def chongli_people(cast, count: int):
    return [
        register(cast.bob, cast.xiwanzi_team, name=f"张{'一二三四五六七八九十'[i]}", serial=10 + i)
        for i in range(count)
    ]


# --- bulk issue ---------------------------------------------------------------------------------


def test_the_roster_offers_a_selection_to_those_who_may_issue_badges(client, cast, wang):
    page = login(client, cast.bob).get("/people/").content.decode()
    assert 'id="roster-selection"' in page and 'action="/badges/bulk/"' in page
    assert f'name="volunteer" value="{wang.pk}" form="roster-selection"' in page
    assert 'formaction="/badges/sheet/"' in page
    page = login(client, cast.frank).get("/people/").content.decode()
    assert wang.name in page and "roster-selection" not in page


def test_a_selection_first_shows_who_receives_a_badge_and_who_is_skipped(client, cast, wang, badge):
    people = chongli_people(cast, 2)
    volunteer_status_change(
        actor=cast.bob, volunteer=people[1], to_status="suspended", reason="暂停"
    )
    ids = [wang.pk, people[0].pk, people[1].pk]
    response = login(client, cast.bob).post("/badges/bulk/", {"volunteer": ids})
    page = response.content.decode()
    assert response.status_code == 200
    assert "张一" in page and badge.number in page  # wang is skipped: he holds one
    assert 'name="confirm"' in page
    assert Badge.objects.count() == 1  # nothing issued before the confirmation


def test_confirming_issues_badges_to_everyone_selected_without_one_in_one_go(
    client, cast, wang, badge
):
    people = chongli_people(cast, 3)
    ids = [wang.pk] + [p.pk for p in people]
    login(client, cast.bob)
    page = client.post(
        "/badges/bulk/", {"volunteer": ids, "issued_on": "2022-02-12", "confirm": "1"}
    ).content.decode()
    issued = Badge.objects.filter(volunteer__in=people, status=Status.ACTIVE)
    assert issued.count() == 3 and {b.issued_on for b in issued} == {date(2022, 2, 12)}
    assert wang.badges.count() == 1  # his badge stays the only one
    for b in issued:
        assert b.number in page
    assert 'action="/badges/sheet/"' in page  # print what was just issued
    entry = AuditEntry.objects.get(action="badge.issue_bulk")
    assert entry.actor == cast.bob and entry.changes["count"] == [None, 3]
    # Again: everyone now holds one, nothing more is issued.
    client.post("/badges/bulk/", {"volunteer": ids, "confirm": "1"})
    assert Badge.objects.count() == 4


def test_an_outsider_in_the_selection_makes_the_whole_request_404_and_issues_nothing(
    client, cast, wang
):
    zhangbei = register(cast.carol, cast.zhangbei_team, name="赵刚", serial=3, phone="13600003333")
    login(client, cast.bob)
    response = client.post("/badges/bulk/", {"volunteer": [wang.pk, zhangbei.pk], "confirm": "1"})
    assert response.status_code == 404
    for who in ("carol", "mallory", "erin", "frank"):
        login(client, getattr(cast, who))
        response = client.post("/badges/bulk/", {"volunteer": [wang.pk], "confirm": "1"})
        assert response.status_code == 404, who
    assert not Badge.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="badge.").exists()


def test_a_bad_or_oversized_selection_is_refused_with_a_message(client, cast, wang):
    login(client, cast.bob)
    for data in (
        {},
        {"volunteer": ["x"]},
        {"volunteer": ["-3"]},
        {"volunteer": list(range(1, 600))},
    ):
        response = client.post("/badges/bulk/", data, follow=True)
        assert response.redirect_chain[0][0] == "/people/"
        assert response.context["messages"]
    assert not Badge.objects.exists()


def test_the_bulk_and_sheet_pages_need_a_login_and_a_post(client, cast, wang):
    for url in ("/badges/bulk/", "/badges/sheet/"):
        assert client.post(url, {"volunteer": [wang.pk]}).status_code == 302
        assert login(client, cast.bob).get(url).status_code == 405
        client.logout()
    assert not Badge.objects.exists()


# --- A4 sheets ----------------------------------------------------------------------------------


def test_a_sheet_of_chosen_badges_is_an_a4_pdf_with_every_number_and_each_print_logged(
    client, cast, badge
):
    people = chongli_people(cast, 10)
    badges = [badge] + [badge_issue(actor=cast.bob, volunteer=p) for p in people]
    response = login(client, cast.bob).post("/badges/sheet/", {"badge": [b.pk for b in badges]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    assert pdf_pages(data) == 2  # eleven cards: ten on the first sheet, one on the second
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4
    text = pdf_text(data)
    for b in badges:
        assert b.number in text
    assert AuditEntry.objects.filter(action="badge.print", actor=cast.bob).count() == 11


def test_a_sheet_for_a_roster_selection_prints_the_valid_badges_of_those_people(
    client, cast, wang, badge
):
    lost_one, holder, without = chongli_people(cast, 3)
    lost = badge_issue(actor=cast.bob, volunteer=lost_one)
    badge_report_lost(actor=cast.bob, badge=lost)
    held = badge_issue(actor=cast.bob, volunteer=holder)
    ids = [wang.pk, lost_one.pk, holder.pk, without.pk]
    data = login(client, cast.bob).post("/badges/sheet/", {"volunteer": ids}).content
    text = pdf_text(data)
    assert pdf_pages(data) == 1
    assert badge.number in text and held.number in text and lost.number not in text


def test_a_selection_without_a_valid_badge_prints_nothing_and_says_so(client, cast, wang):
    response = login(client, cast.bob).post("/badges/sheet/", {"volunteer": [wang.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == "/badges/"
    assert not AuditEntry.objects.filter(action="badge.print").exists()


def test_outsiders_cannot_print_a_sheet_of_someone_elses_badges(client, cast, wang, badge):
    for who in ("carol", "mallory", "erin"):
        login(client, getattr(cast, who))
        assert client.post("/badges/sheet/", {"badge": [badge.pk]}).status_code == 404, who
        assert client.post("/badges/sheet/", {"volunteer": [wang.pk]}).status_code == 404, who
    assert not AuditEntry.objects.filter(action="badge.print").exists()


def test_the_badge_list_lets_valid_badges_be_selected_for_a_sheet(client, cast, wang, badge):
    page = login(client, cast.bob).get("/badges/").content.decode()
    assert 'id="badge-selection"' in page
    assert f'name="badge" value="{badge.pk}" form="badge-selection"' in page
    badge_report_lost(actor=cast.bob, badge=badge)
    page = client.get("/badges/").content.decode()
    assert f'name="badge" value="{badge.pk}"' not in page


def test_a_single_card_has_a_photo_box_even_without_a_photo(client, cast, badge):
    data = login(client, cast.bob).get(f"/badges/{badge.pk}/pdf/").content
    # The box is a stroked rectangle of 18 × 24 mm (51.02 × 68.03 pt) at the left margin.
    assert re.search(r"11\.33858 [\d.]+ 51\.02362 68\.03150? re", pdf_text(data))
