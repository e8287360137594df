from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.signing import Signer
from PIL import Image

from tests.badges.conftest import ID_WANG, register
from tests.conftest import login
from vetserve.audit.models import AuditEntry
from vetserve.badges.models import Badge, Status
from vetserve.badges.services import (
    SIGNING_SALT,
    badge_reissue,
    badge_report_lost,
    badge_revoke,
    badge_token,
)
from vetserve.people.services import volunteer_erase


def verify(client, badge_or_token):
    token = badge_or_token if isinstance(badge_or_token, str) else badge_token(badge_or_token)
    response = client.get(f"/v/{token}")
    assert response.status_code == 200
    return response.content.decode()


# --- the public check ---------------------------------------------------------------------------


def test_a_valid_badge_verifies_with_masked_name_and_organization_only(client, cast, badge):
    page = verify(client, badge)
    assert "verify--active" in page and "有效证件" in page
    assert "王*国" in page and "西湾子镇退役军人志愿服务队" in page
    # Nothing else about the person or the register.
    wang = badge.volunteer
    for secret in ("王建国", ID_WANG, wang.id_number_masked, "13900001111", wang.phone_masked):
        assert secret not in page
    # The number travels inside the code the visitor already holds (the address); the page
    # itself does not add it, nor any link into the register.
    assert badge.number not in page.replace(badge_token(badge), "")
    assert 'href="/badges/' not in page


def test_a_lost_revoked_or_replaced_badge_says_so(client, cast, wang, badge):
    badge_report_lost(actor=cast.bob, badge=badge)
    assert "verify--lost" in verify(client, badge)
    second = badge_reissue(actor=cast.bob, badge=badge)
    third = badge_reissue(actor=cast.bob, badge=second)
    assert "verify--replaced" in verify(client, second)
    badge_revoke(actor=cast.bob, badge=third, reason="离队")
    page = verify(client, third)
    assert "verify--revoked" in page and "王*国" in page


def test_a_tampered_token_and_a_random_token_both_say_not_genuine(client, cast, badge):
    token = badge_token(badge)
    altered = token.replace(badge.number, badge.number[:-1] + "2")
    answers = [
        verify(client, altered),
        verify(client, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")),
        verify(client, "ZJK-130709-00001"),  # a bare number is not a code: no enumeration
        verify(client, "c29tZXRoaW5nIHJhbmRvbQ:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"),
        # Signed with the right key but naming a nonce that was never issued.
        verify(client, Signer(salt=SIGNING_SALT).sign(f"{badge.number}.AAAAAAAAAAAAAAAA")),
    ]
    for page in answers:
        assert "verify--not_genuine" in page
        assert "王*国" not in page and "西湾子" not in page
    # Word for word the same answer, once the address each page links back to is set aside.
    main = [page[page.index('<main id="main"') :] for page in answers]
    assert len(set(main)) == 1


def test_a_code_cannot_be_made_from_the_printed_number(cast, wang, badge):
    other = Badge.objects.create(
        number="ZJK-130709-00777",
        volunteer=wang,
        region=wang.region,
        issued_on=date.today(),
        status=Status.REVOKED,
        nonce="n2",
    )
    assert badge_token(badge) != badge_token(other)
    assert badge.nonce not in badge.number and len(badge.nonce) >= 16


def test_an_erased_volunteers_badge_is_void_and_says_nothing_more(client, cast, wang, badge):
    volunteer_erase(actor=cast.bob, volunteer=wang, reason="本人申请删除")
    page = verify(client, badge)
    assert "verify--revoked" in page and "西湾子" not in page and "verify__facts" not in page


def test_the_verify_page_needs_no_login_and_is_not_cached_or_indexed(client, badge):
    response = client.get(f"/v/{badge_token(badge)}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"


# --- the register pages ----------------------------------------------------------------------


def test_the_list_shows_the_badges_in_scope_with_a_status_filter(client, cast, wang, badge):
    zhangbei = register(cast.carol, cast.zhangbei_team, name="赵刚", serial=3, phone="13600003333")
    from vetserve.badges.services import badge_issue

    other = badge_issue(actor=cast.carol, volunteer=zhangbei)
    page = login(client, cast.bob).get("/badges/").content.decode()
    assert badge.number in page and other.number not in page
    badge_report_lost(actor=cast.bob, badge=badge)
    assert badge.number not in client.get("/badges/?status=active").content.decode()
    assert badge.number in client.get("/badges/?status=lost").content.decode()
    page = login(client, cast.alice).get("/badges/?q=130722").content.decode()
    assert other.number in page and badge.number not in page


def test_a_volunteers_badge_page_offers_issuing_only_to_those_who_manage_them(client, cast, wang):
    page = login(client, cast.bob).get(f"/badges/?volunteer={wang.pk}").content.decode()
    assert 'action="/badges/issue/"' in page
    response = client.post("/badges/issue/", {"volunteer": wang.pk, "issued_on": "2022-02-11"})
    badge = Badge.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/badges/{badge.pk}/"
    assert (badge.number, badge.issued_on) == ("ZJK-130709-00001", date(2022, 2, 11))
    page = client.get(f"/badges/?volunteer={wang.pk}").content.decode()
    assert 'action="/badges/issue/"' not in page and badge.number in page
    page = login(client, cast.frank).get(f"/badges/?volunteer={wang.pk}").content.decode()
    assert badge.number in page and 'action="/badges/issue/"' not in page


def test_the_detail_page_shows_history_and_actions_only_to_managers(client, cast, badge):
    page = login(client, cast.bob).get(f"/badges/{badge.pk}/").content.decode()
    assert badge.number in page and f"/badges/{badge.pk}/revoke/" in page
    page = login(client, cast.frank).get(f"/badges/{badge.pk}/").content.decode()
    assert badge.number in page and "/revoke/" not in page and "/reissue/" not in page


def test_actions_through_the_pages(client, cast, badge):
    login(client, cast.bob)
    client.post(f"/badges/{badge.pk}/lost/", {"lost-reason": "遗失"})
    badge.refresh_from_db()
    assert badge.status == Status.LOST
    response = client.post(f"/badges/{badge.pk}/reissue/", {"reissue-reason": "补办"})
    new = Badge.objects.get(replaces=badge)
    assert response["Location"] == f"/badges/{new.pk}/"
    client.post(f"/badges/{new.pk}/revoke/", {"revoke-reason": ""})
    new.refresh_from_db()
    assert new.status == Status.ACTIVE  # no reason, no revocation
    client.post(f"/badges/{new.pk}/revoke/", {"revoke-reason": "离队"})
    new.refresh_from_db()
    assert new.status == Status.REVOKED


def test_outsiders_get_404_for_chongli_badges(client, cast, wang, badge):
    for who in ("carol", "mallory", "erin"):
        login(client, getattr(cast, who))
        for url in (
            f"/badges/{badge.pk}/",
            f"/badges/{badge.pk}/pdf/",
            f"/badges/?volunteer={wang.pk}",
        ):
            assert client.get(url).status_code == 404, (who, url)
        assert client.post(f"/badges/{badge.pk}/revoke/", {"revoke-reason": "x"}).status_code == 404
        assert client.post("/badges/issue/", {"volunteer": wang.pk}).status_code == 404
        assert badge.number not in client.get("/badges/").content.decode()
    assert client.get("/badges/999999/").status_code == 404
    badge.refresh_from_db()
    assert badge.status == Status.ACTIVE


def test_viewers_who_do_not_manage_cannot_change_a_badge(client, cast, badge):
    login(client, cast.frank)
    assert client.post(f"/badges/{badge.pk}/revoke/", {"revoke-reason": "x"}).status_code == 403
    badge.refresh_from_db()
    assert badge.status == Status.ACTIVE


def test_pages_need_a_login(client, badge):
    assert client.get("/badges/").status_code == 302
    assert client.get(f"/badges/{badge.pk}/pdf/").status_code == 302


# --- the printed card --------------------------------------------------------------------------


def test_the_badge_prints_as_a_card_sized_pdf_and_the_print_is_logged(client, cast, badge):
    response = login(client, cast.bob).get(f"/badges/{badge.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    assert badge.number.encode() in data  # the document title
    assert b"/MediaBox [ 0 0 242.6457 153.0709 ]" in data  # 85.6 x 54 mm
    assert b"STSong-Light" in data
    entry = AuditEntry.objects.get(action="badge.print")
    assert entry.actor == cast.bob and entry.object_id == str(badge.pk)
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # poppler-utils, where installed: the text a reader extracts
        text = subprocess.run(  # noqa: S603 - a fixed tool found on PATH, our own bytes
            [pdftotext, "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        assert badge.number in text and "王建国" in text


def test_the_card_carries_the_photo_when_there_is_one(
    client, cast, wang, badge, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    image = BytesIO()
    Image.new("RGB", (60, 80), (200, 30, 30)).save(image, "JPEG")
    wang.photo.save("wang.jpg", ContentFile(image.getvalue()))
    without = login(client, cast.bob).get(f"/badges/{badge.pk}/pdf/").content
    assert b"/Subtype /Image" in without
    wang.photo.delete()
    assert b"/Subtype /Image" not in client.get(f"/badges/{badge.pk}/pdf/").content


def test_only_a_valid_badge_is_printed(client, cast, badge):
    badge_report_lost(actor=cast.bob, badge=badge)
    response = login(client, cast.bob).get(f"/badges/{badge.pk}/pdf/")
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="badge.print").exists()


def test_the_list_costs_the_same_queries_for_one_badge_or_many(client, cast, badge):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vetserve.badges.services import badge_issue

    login(client, cast.bob)
    with CaptureQueriesContext(connection) as one:
        client.get("/badges/")
    for n in range(3):
        other = register(
            cast.bob, cast.rescue, name=f"张{n}兵", serial=10 + n, phone=f"1390000{n:04d}"
        )
        badge_issue(actor=cast.bob, volunteer=other)
    with CaptureQueriesContext(connection) as four:
        client.get("/badges/")
    assert len(four) == len(one)


def test_a_small_scope_and_a_large_one_page_the_badges_in_the_same_order(client, cast, badge):
    """Past the count cap the list walks its order index; below it, it sorts the scope's rows
    (core/paging.py, SortedWhenFew): both give the same pages, newest first, ties by id."""
    from vetserve.badges.selectors import badge_list, badge_rows
    from vetserve.badges.services import badge_issue
    from vetserve.core.paging import CappedPaginator

    days = [date(2023, 5, 1), date(2021, 1, 9), date(2023, 5, 1), date(2024, 7, 2)]
    for n, issued_on in enumerate(days):
        other = register(
            cast.bob, cast.rescue, name=f"张{n}兵", serial=10 + n, phone=f"1390000{n:04d}"
        )
        badge_issue(actor=cast.bob, volunteer=other, issued_on=issued_on)
    expected = list(Badge.objects.order_by("-issued_on", "-id").values_list("pk", flat=True))

    def pages(cap: int) -> tuple[list[int], bool]:
        rows = badge_rows(badge_list(user=cast.bob))
        paginator = CappedPaginator(rows, per_page=2, cap=cap)
        shown = [b.pk for n in paginator.page_range for b in paginator.page(n).object_list]
        return shown, rows.few

    assert pages(cap=100) == (expected, True)  # sorted: the whole scope was counted
    capped, few = pages(cap=4)  # walked along the index: more than the cap
    assert (capped, few) == (expected[:4], False)
    # The neighbouring county sees nothing, sorted or walked.
    assert list(badge_rows(badge_list(user=cast.carol))[0:10]) == []
    # The rescue team's leader sees its four members' badges only (a scope with no region
    # range: its own-user part is one more branch of the union, core/access.py).
    leader = badge_rows(badge_list(user=cast.dave))
    assert leader.count_upto(11) == 4
    assert [b.pk for b in leader[0:10]] == [pk for pk in expected if pk != badge.pk]
