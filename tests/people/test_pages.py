from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.audit.models import AuditEntry
from vetserve.people import services
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.models import Consent, CorrectionRequest, Membership, Status, Volunteer

HTMX = {"HTTP_HX_REQUEST": "true"}
ID_1 = fictitious_id_number(
    address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=1
)
ID_2 = fictitious_id_number(address_code="130722", birth_date=date(1980, 7, 1), male=True, serial=2)
PHONE_1 = "13900001111"


@pytest.fixture
def wang(cast) -> Volunteer:
    """王建国 of 西湾子镇 (崇礼): Bob's, Frank's to read, nobody else's but Alice's."""
    return register(cast.bob, cast.xiwanzi_team, emergency_phone="13811112222")


@pytest.fixture
def li(cast) -> Volunteer:
    """李卫东 of 张北镇: Carol's."""
    return register(
        cast.carol, cast.zhangbei_team, id_number=ID_2, name="李卫东", phone="13700002222"
    )


def listed(response: Any) -> set[str]:
    assert response.status_code == 200
    return {row.volunteer.name for row in response.context["rows"]}


def search(client: Any, query: str) -> Any:
    """The roster's search form: it posts, and the answer's address holds no number."""
    return client.post("/people/", {"q": query}, follow=True)


def with_reveal(user):
    user.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    return type(user).objects.get(pk=user.pk)  # a fresh permission cache


def form_data(cast, **values: Any) -> dict[str, Any]:
    data = {
        "name": "赵保国",
        "id_number": fictitious_id_number(
            address_code="130709", birth_date=date(1968, 8, 1), male=True, serial=9
        ),
        "phone": "13512345678",
        "residence_region": str(cast.xiwanzi.pk),
        "address": "西湾子镇东街12号",
        "home_org": str(cast.xiwanzi_team.pk),
        "status": Status.ACTIVE,
        "skills_note": "驾驶",
        "service_categories": "应急救援",
        "service_branch": "army",
        "enlisted_year": "1986",
        "discharged_year": "1990",
        "military_specialty": "汽车驾驶",
        "discharge_doc": "",
        "party": "member",
        "emergency_name": "赵红",
        "emergency_phone": "",
        "consent": "on",
    }
    data.update(values)
    return data


# --- the list ----------------------------------------------------------------------------------


def test_the_roster_shows_what_each_user_may_see(client, cast, wang, li):
    assert listed(login(client, cast.alice).get("/people/")) == {"王建国", "李卫东"}
    assert listed(login(client, cast.bob).get("/people/")) == {"王建国"}
    assert listed(login(client, cast.frank).get("/people/")) == {"王建国"}
    assert listed(login(client, cast.carol).get("/people/")) == {"李卫东"}
    assert listed(login(client, cast.mallory).get("/people/")) == set()
    assert listed(login(client, cast.erin).get("/people/")) == set()


def test_the_roster_needs_a_login(client, cast):
    response = client.get("/people/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.mark.parametrize("query", ["wjg", "王", "王建", "建国", ID_1, ID_1.lower(), PHONE_1])
def test_search_by_name_pinyin_initials_exact_id_or_exact_phone(client, cast, wang, li, query):
    assert listed(search(login(client, cast.alice), query)) == {"王建国"}


def test_a_partial_id_or_phone_number_finds_nobody(client, cast, wang):
    login(client, cast.alice)
    assert listed(search(client, ID_1[:12])) == set()
    assert listed(search(client, PHONE_1[:7])) == set()


def test_searching_for_someone_elses_id_finds_nothing(client, cast, wang, li):
    assert listed(search(login(client, cast.bob), ID_2)) == set()


def test_the_roster_filters_by_region_organization_and_status(client, cast, wang, li):
    login(client, cast.alice)
    assert listed(client.get("/people/", {"region": "130722"})) == {"李卫东"}
    assert listed(client.get("/people/", {"org": cast.chongli_fed.pk})) == {"王建国"}
    services.volunteer_status_change(
        actor=cast.carol, volunteer=li, to_status=Status.SUSPENDED, reason="伤病"
    )
    assert listed(client.get("/people/", {"status": "suspended"})) == {"李卫东"}


def test_a_region_or_organization_outside_the_area_filters_to_nothing(client, cast, wang, li):
    login(client, cast.bob)
    assert listed(client.get("/people/", {"region": "130722"})) == set()
    assert listed(client.get("/people/", {"org": cast.zhangbei_team.pk})) == set()


def test_live_search_returns_only_the_results_fragment(client, cast, wang, li):
    response = login(client, cast.alice).get("/people/", {"q": "lwd"}, **HTMX)
    page = response.content.decode()
    assert "李卫东" in page and "王建国" not in page and "<html" not in page


def test_the_list_shows_numbers_masked_never_in_full(client, cast, wang):
    page = login(client, cast.alice).get("/people/").content.decode()
    assert wang.id_number_masked in page and "139****1111" in page
    assert ID_1 not in page and PHONE_1 not in page
    # Not even in the results when the full number was the search.
    response = client.post("/people/", {"q": ID_1}, **HTMX)
    assert "王建国" in response.content.decode() and ID_1 not in response.content.decode()


def test_a_search_by_number_stays_out_of_the_browser_history(client, cast, wang):
    login(client, cast.alice)
    for number in (ID_1, PHONE_1):
        pushed = client.post("/people/", {"q": number}, **HTMX)["HX-Push-Url"]
        assert pushed.startswith("/people/?s=") and number not in pushed
    assert client.post("/people/", {"q": "wjg"}, **HTMX)["HX-Push-Url"] == "/people/?q=wjg"


def test_the_list_shows_the_badge_number_and_year_of_birth(client, cast, wang):
    from vetserve.badges.services import badge_issue

    badge = badge_issue(actor=cast.bob, volunteer=wang, issued_on=date(2022, 1, 10))
    response = login(client, cast.alice).get("/people/")
    row = response.context["rows"][0]
    assert row.badge_number == badge.number and badge.number in response.content.decode()
    assert row.volunteer.birth_year == 1975 and ">1975<" in response.content.decode()


def test_the_list_links_to_register_only_for_users_who_may(client, cast, wang):
    assert "/people/new/" in login(client, cast.bob).get("/people/").content.decode()
    page = login(client, cast.frank).get("/people/").content.decode()
    assert "/people/new/" not in page and "/people/duplicates/" not in page


def test_the_list_costs_the_same_queries_for_thirty_volunteers_as_for_one(
    client, cast, django_assert_max_num_queries
):
    from vetserve.badges.services import badge_issue

    login(client, cast.alice)
    first = register(cast.bob, cast.xiwanzi_team)
    badge_issue(actor=cast.bob, volunteer=first, issued_on=date(2022, 1, 10))
    client.get("/people/")  # warm the session and the content types
    with django_assert_max_num_queries(14) as one:  # 12 + skill and certificate filter lists
        client.get("/people/")
    for serial in range(30):
        v = register(
            cast.bob,
            cast.rescue if serial % 2 else cast.xiwanzi_team,
            id_number=fictitious_id_number(
                address_code="130709", birth_date=date(1970, 1, 1), male=True, serial=serial + 10
            ),
            name=f"张{serial}",
            phone=f"136{serial:08d}",
        )
        badge_issue(actor=cast.bob, volunteer=v, issued_on=date(2022, 1, 10))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/people/")
    assert len(response.context["rows"]) == 31


# --- one volunteer -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "frank"])
def test_the_volunteers_page_opens_for_those_who_may_see_them(client, cast, wang, who):
    response = login(client, getattr(cast, who)).get(f"/people/{wang.pk}/")
    assert response.status_code == 200
    assert "王建国" in response.content.decode()


@pytest.mark.parametrize("who", ["carol", "mallory", "erin", "dave"])
def test_outsiders_get_404_for_a_chongli_volunteer_and_every_action(client, cast, wang, who):
    login(client, getattr(cast, who))
    base = f"/people/{wang.pk}"
    for url in (f"{base}/", f"{base}/edit/", f"{base}/erase/", f"{base}/reveal/id_number/"):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"{base}/status/", {"status-to_status": "suspended", "status-reason": "x"}),
        (f"{base}/consents/", {"consent-purpose": "health", "consent-granted": "yes"}),
        (f"{base}/reveal/id_number/", {"reason": "核对"}),
        (f"{base}/erase/", {"reason": "x", "confirm": "on"}),
        (f"{base}/memberships/", {}),
    ):
        assert client.post(url, data).status_code == 404, url
    wang.refresh_from_db()
    assert wang.status == Status.ACTIVE and not wang.is_erased


def test_a_missing_volunteer_is_404_too(client, cast):
    assert login(client, cast.alice).get("/people/999999/").status_code == 404


def test_the_auditor_reads_but_cannot_change(client, cast, wang):
    login(client, cast.frank)
    page = client.get(f"/people/{wang.pk}/").content.decode()
    assert f"/people/{wang.pk}/edit/" not in page and "status-reason" not in page
    assert client.get(f"/people/{wang.pk}/edit/").status_code == 403
    response = client.post(
        f"/people/{wang.pk}/status/", {"status-to_status": "left", "status-reason": "x"}
    )
    assert response.status_code == 403
    assert (
        client.post(f"/people/{wang.pk}/erase/", {"reason": "x", "confirm": "on"}).status_code
        == 403
    )
    assert client.get("/people/new/").status_code == 404


def test_the_volunteers_page_shows_every_number_masked(client, cast, wang):
    services.volunteer_update(actor=cast.bob, volunteer=wang, discharge_doc="退字第123456号")
    page = login(client, cast.frank).get(f"/people/{wang.pk}/").content.decode()
    assert wang.id_number_masked in page and "139****1111" in page and "138****2222" in page
    for secret in (ID_1, PHONE_1, "13811112222", "退字第123456号"):
        assert secret not in page
    # Frank audits, changes nothing: no reveal button, whatever permission he holds.
    assert "/reveal/" not in page
    page = login(client, with_reveal(cast.frank)).get(f"/people/{wang.pk}/").content.decode()
    assert "/reveal/" not in page and wang.id_number_masked in page
    # Alice administers the city: the reveal right comes with the role (issue 13).
    page = login(client, cast.alice).get(f"/people/{wang.pk}/").content.decode()
    assert f"/people/{wang.pk}/reveal/id_number/" in page and ID_1 not in page


def test_reveal_without_the_right_is_refused_and_logs_nothing(client, cast, wang):
    response = login(client, with_reveal(cast.frank)).post(
        f"/people/{wang.pk}/reveal/id_number/", {"reason": "核对保险"}, **HTMX
    )
    assert response.status_code == 403
    assert ID_1 not in response.content.decode()
    assert not AuditEntry.objects.filter(action="volunteer.reveal").exists()


def test_reveal_with_the_permission_needs_a_reason_and_is_logged(client, cast, wang):
    bob = with_reveal(cast.bob)
    login(client, bob)
    page = client.get(f"/people/{wang.pk}/").content.decode()
    assert f"/people/{wang.pk}/reveal/id_number/" in page and ID_1 not in page
    response = client.post(f"/people/{wang.pk}/reveal/id_number/", {"reason": " "}, **HTMX)
    assert response.status_code == 200 and ID_1 not in response.content.decode()
    assert "field__error" in response.content.decode()
    assert not AuditEntry.objects.filter(action="volunteer.reveal").exists()
    response = client.post(f"/people/{wang.pk}/reveal/id_number/", {"reason": "核对保险"}, **HTMX)
    assert ID_1 in response.content.decode() and "<html" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="volunteer.reveal")
    assert (entry.actor, entry.reason, entry.changes) == (
        bob,
        "核对保险",
        {"field": [None, "id_number"]},
    )


def test_reveal_works_without_javascript_as_a_page(client, cast, wang):
    login(client, with_reveal(cast.bob))
    response = client.post(f"/people/{wang.pk}/reveal/phone/", {"reason": "联系本人"})
    assert response.status_code == 200 and PHONE_1 in response.content.decode()
    assert "<html" in response.content.decode()
    assert client.post(f"/people/{wang.pk}/reveal/name/", {"reason": "x"}).status_code == 404


def test_a_status_change_needs_a_reason_and_keeps_history(client, cast, wang):
    login(client, cast.bob)
    response = client.post(
        f"/people/{wang.pk}/status/", {"status-to_status": "suspended", "status-reason": ""}
    )
    assert response.status_code == 400
    wang.refresh_from_db()
    assert wang.status == Status.ACTIVE
    response = client.post(
        f"/people/{wang.pk}/status/",
        {"status-to_status": "suspended", "status-reason": "伤病休养"},
    )
    assert response.status_code == 302
    wang.refresh_from_db()
    assert wang.status == Status.SUSPENDED
    page = client.get(f"/people/{wang.pk}/").content.decode()
    assert "伤病休养" in page


def test_a_status_the_flow_does_not_allow_is_refused(client, cast, wang):
    response = login(client, cast.bob).post(
        f"/people/{wang.pk}/status/", {"status-to_status": "applied", "status-reason": "x"}
    )
    assert response.status_code == 400
    wang.refresh_from_db()
    assert wang.status == Status.ACTIVE


def test_memberships_are_added_and_ended_on_the_page(client, cast, wang):
    login(client, cast.bob)
    response = client.post(
        f"/people/{wang.pk}/memberships/",
        {
            "membership-organization": cast.rescue.pk,
            "membership-role": "member",
            "membership-started_on": "2021-10-01",
        },
    )
    assert response.status_code == 302
    membership = wang.memberships.get()
    assert membership.organization == cast.rescue
    # Dave leads the rescue team: he now sees Wang, and may end the membership in his team.
    login(client, cast.dave)
    assert client.get(f"/people/{wang.pk}/").status_code == 200
    assert client.get(f"/people/{wang.pk}/edit/").status_code == 403
    response = client.post(
        f"/people/{wang.pk}/memberships/{membership.pk}/end/", {"ended_on": "2022-03-01"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on == date(2022, 3, 1)


def test_adding_the_same_team_twice_shows_the_error_next_to_the_field(client, cast, wang):
    services.membership_add(
        actor=cast.bob,
        volunteer=wang,
        organization=cast.rescue,
        role=Membership.Role.MEMBER,
        started_on=date(2021, 10, 1),
    )
    response = login(client, cast.bob).post(
        f"/people/{wang.pk}/memberships/",
        {
            "membership-organization": cast.rescue.pk,
            "membership-role": "member",
            "membership-started_on": "2022-01-01",
        },
    )
    assert response.status_code == 400
    assert "该志愿者已是本组织成员。" in response.content.decode()


def test_consents_are_recorded_with_their_version(client, cast, wang):
    login(client, cast.bob)
    response = client.post(
        f"/people/{wang.pk}/consents/",
        {
            "consent-purpose": "publication",
            "consent-granted": "yes",
            "consent-text_version": "2026-11",
        },
    )
    assert response.status_code == 302
    consent = wang.consents.get(purpose=Consent.Purpose.PUBLICATION)
    assert consent.granted and consent.text_version == "2026-11" and consent.recorded_by == cast.bob


def test_a_correction_request_is_answered_from_the_open_list(client, cast, wang):
    request = services.correction_request_create(volunteer=wang, message="住址写错了")
    login(client, cast.bob)
    page = client.get("/people/corrections/").content.decode()
    assert "住址写错了" in page
    response = client.post(
        f"/people/{wang.pk}/corrections/{request.pk}/",
        {"done": "yes", "resolution": "已改", "back": "corrections"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/people/corrections/")
    request.refresh_from_db()
    assert request.state == CorrectionRequest.State.DONE and request.resolved_by == cast.bob
    assert "住址写错了" not in client.get("/people/corrections/").content.decode()


def test_other_counties_do_not_see_correction_requests(client, cast, wang):
    services.correction_request_create(volunteer=wang, message="住址写错了")
    assert (
        "住址写错了" not in login(client, cast.carol).get("/people/corrections/").content.decode()
    )
    assert login(client, cast.erin).get("/people/corrections/").status_code == 404


def test_a_view_only_auditor_reads_the_volunteer_but_not_the_correction_requests(
    client, cast, wang
):
    services.correction_request_create(volunteer=wang, message="住址写错了")
    login(client, cast.frank)
    assert client.get(f"/people/{wang.pk}/").status_code == 200
    assert client.get("/people/corrections/").status_code == 404
    response = client.post(
        f"/people/{wang.pk}/corrections/{wang.correction_requests.get().pk}/",
        {"done": "yes", "resolution": "已改"},
    )
    assert response.status_code == 403  # may read the volunteer, may not change them
    assert wang.correction_requests.get().state == "open"
    assert "住址写错了" in login(client, cast.bob).get("/people/corrections/").content.decode()


def test_erasing_through_the_page_needs_a_reason_and_confirmation(client, cast, wang):
    login(client, cast.bob)
    assert client.get(f"/people/{wang.pk}/erase/").status_code == 200
    response = client.post(f"/people/{wang.pk}/erase/", {"reason": "本人申请删除"})
    assert response.status_code == 400
    response = client.post(f"/people/{wang.pk}/erase/", {"reason": "本人申请删除", "confirm": "on"})
    assert response.status_code == 302
    wang.refresh_from_db()
    assert wang.is_erased and wang.name == services.ERASED_NAME
    assert client.get(f"/people/{wang.pk}/").status_code == 404
    assert AuditEntry.objects.get(action="volunteer.erase").reason == "本人申请删除"


# --- register and edit -------------------------------------------------------------------------


def test_the_register_form_opens_for_county_admins_only(client, cast):
    assert login(client, cast.bob).get("/people/new/").status_code == 200
    for who in ("erin", "frank", "mallory"):
        assert login(client, getattr(cast, who)).get("/people/new/").status_code == 404


def test_registering_through_the_form(client, cast):
    response = login(client, cast.bob).post("/people/new/", form_data(cast))
    assert response.status_code == 302
    v = Volunteer.objects.get(name="赵保国")
    assert (v.gender, v.birth_date) == ("male", date(1968, 8, 1))
    assert (v.enlisted_year, v.discharged_year, v.party) == (1986, 1990, "member")
    assert v.consents.get().text_version == services.CONSENT_TEXT_VERSION
    assert response["Location"] == f"/people/{v.pk}/"


def test_a_bad_id_number_shows_a_chinese_error_keeps_the_input_and_creates_nothing(client, cast):
    bad = ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")
    response = login(client, cast.bob).post("/people/new/", form_data(cast, id_number=bad))
    assert response.status_code == 400
    page = response.content.decode()
    assert "校验" in page  # the check character is wrong, in Chinese
    assert f'value="{bad}"' in page and 'value="西湾子镇东街12号"' in page
    assert not Volunteer.objects.exists()


def test_registration_without_consent_is_refused(client, cast):
    response = login(client, cast.bob).post("/people/new/", form_data(cast, consent=""))
    assert response.status_code == 400
    assert not Volunteer.objects.exists()


def test_a_duplicate_id_points_to_the_existing_record(client, cast, wang):
    response = login(client, cast.bob).post("/people/new/", form_data(cast, id_number=ID_1))
    assert response.status_code == 400
    assert f"{wang.pk}" in response.context["form"].errors["id_number"][0]


def test_registering_in_another_county_is_refused_by_the_choices(client, cast):
    response = login(client, cast.bob).post(
        "/people/new/", form_data(cast, home_org=str(cast.zhangbei_team.pk))
    )
    assert response.status_code == 400 and "home_org" in response.context["form"].errors
    assert not Volunteer.objects.exists()


def test_the_inline_check_reads_gender_and_birth_date_from_the_id(client, cast):
    login(client, cast.bob)
    response = client.post("/people/check/", {"field": "id_number", "id_number": ID_1}, **HTMX)
    assert "性别：男，出生日期：1975-03-15" in response.content.decode()
    response = client.post("/people/check/", {"field": "id_number", "id_number": ID_1[:-1]})
    assert "field__error" in response.content.decode()
    response = client.post("/people/check/", {"field": "phone", "phone": "12345"})
    assert "field__error" in response.content.decode()
    assert client.post("/people/check/", {"field": "name", "name": "x"}).status_code == 404
    assert login(client, cast.erin).post("/people/check/", {"field": "phone"}).status_code == 404


def test_editing_keeps_numbers_left_empty_and_never_shows_them(client, cast, wang):
    login(client, cast.bob)
    page = client.get(f"/people/{wang.pk}/edit/").content.decode()
    assert ID_1 not in page and PHONE_1 not in page and wang.id_number_masked in page
    data = form_data(
        cast,
        name="王建国",
        id_number="",
        phone="",
        address="新地址",
        enlisted_year="",
        discharged_year="",
    )
    response = client.post(f"/people/{wang.pk}/edit/", data)
    assert response.status_code == 302
    wang.refresh_from_db()
    assert wang.address == "新地址"
    assert services.volunteer_reveal_value(wang, "id_number") == ID_1
    assert services.volunteer_reveal_value(wang, "phone") == PHONE_1


def test_editing_with_a_bad_phone_shows_the_error_and_changes_nothing(client, cast, wang):
    login(client, cast.bob)
    data = form_data(cast, name="王建军", id_number="", phone="12345", address="新地址")
    response = client.post(f"/people/{wang.pk}/edit/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    wang.refresh_from_db()
    assert wang.name == "王建国" and wang.address == ""


# --- duplicates and merging --------------------------------------------------------------------


def test_duplicates_are_listed_and_merged_through_the_pages(client, cast, wang):
    twin = register(
        cast.bob,
        cast.rescue,
        id_number=fictitious_id_number(
            address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=7
        ),
        phone="13500000000",
    )
    services.membership_add(
        actor=cast.bob,
        volunteer=twin,
        organization=cast.rescue_sub,
        role="member",
        started_on=date(2021, 1, 1),
    )
    login(client, cast.bob)
    page = client.get("/people/duplicates/").content.decode()
    assert f"/people/merge/?a={wang.pk}&amp;b={twin.pk}" in page
    assert client.get(f"/people/merge/?a={wang.pk}&b={twin.pk}").status_code == 200
    response = client.post(
        f"/people/merge/?a={wang.pk}&b={twin.pk}", {"keep": wang.pk, "reason": "同一人"}
    )
    assert response.status_code == 302 and response["Location"] == f"/people/{wang.pk}/"
    assert list(wang.memberships.values_list("organization", flat=True)) == [cast.rescue_sub.pk]
    twin.refresh_from_db()
    assert twin.merged_into == wang and twin.is_erased


def test_a_merge_needs_a_reason(client, cast, wang):
    twin = register(
        cast.bob,
        cast.rescue,
        id_number=fictitious_id_number(
            address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=7
        ),
        phone="13500000000",
    )
    response = login(client, cast.bob).post(
        f"/people/merge/?a={wang.pk}&b={twin.pk}", {"keep": twin.pk, "reason": ""}
    )
    assert response.status_code == 400
    wang.refresh_from_db()
    assert not wang.is_erased


def test_outsiders_cannot_open_or_post_a_merge(client, cast, wang, li):
    login(client, cast.carol)
    assert client.get(f"/people/merge/?a={wang.pk}&b={li.pk}").status_code == 404
    login(client, cast.frank)
    assert client.get(f"/people/merge/?a={wang.pk}&b={wang.pk}").status_code == 403
    assert login(client, cast.bob).get("/people/merge/?a=x&b=1").status_code == 404


# --- the volunteer's own page ------------------------------------------------------------------


@pytest.fixture
def erin_is_wang(cast, wang) -> Volunteer:
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    return wang


def test_a_volunteer_sees_their_own_record_masked(client, cast, erin_is_wang):
    page = login(client, cast.erin).get("/people/me/").content.decode()
    assert "王建国" in page and erin_is_wang.id_number_masked in page and ID_1 not in page


def test_the_own_record_page_is_404_for_someone_without_one(client, cast, wang):
    assert login(client, cast.bob).get("/people/me/").status_code == 404
    assert client.get("/people/me/download/").status_code == 404


def test_a_volunteer_downloads_everything_held_and_the_download_is_logged(
    client, cast, erin_is_wang
):
    response = login(client, cast.erin).get("/people/me/download/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["id_number"] == ID_1 and data["phone"] == PHONE_1
    assert AuditEntry.objects.filter(action="volunteer.self_export", actor=cast.erin).exists()


def test_a_volunteer_asks_for_a_correction_and_sets_their_consents(client, cast, erin_is_wang):
    login(client, cast.erin)
    response = client.post("/people/me/corrections/", {"message": "电话号码已更换"})
    assert response.status_code == 302
    assert erin_is_wang.correction_requests.get().message == "电话号码已更换"
    assert client.post("/people/me/corrections/", {"message": ""}).status_code == 400
    client.post("/people/me/consents/", {"purpose": "publication", "granted": "yes"})
    assert services.has_consent(erin_is_wang, Consent.Purpose.PUBLICATION)
    client.post("/people/me/consents/", {"purpose": "publication", "granted": "no"})
    assert not services.has_consent(erin_is_wang, Consent.Purpose.PUBLICATION)
    assert client.post("/people/me/consents/", {"purpose": "registration"}).status_code == 404


def test_a_volunteer_reads_their_own_page_but_changes_nothing_there(client, cast, erin_is_wang):
    login(client, cast.erin)
    assert client.get(f"/people/{erin_is_wang.pk}/").status_code == 200
    assert client.get(f"/people/{erin_is_wang.pk}/edit/").status_code == 403


def test_an_auditor_who_also_leads_a_team_elsewhere_gets_only_that_teams_requests(
    client, cast, wang
):
    # Frank audits 崇礼 (reads it) and leads the 张北 team (changes it): the open requests are
    # those he may act on, so 崇礼's stay off his list though he may read the person.
    from vetserve.accounts.models import Grant, Role

    Grant.objects.create(user=cast.frank, role=Role.ORG_LEADER, organization=cast.zhangbei_team)
    services.correction_request_create(volunteer=wang, message="住址写错了")
    login(client, cast.frank)
    assert client.get(f"/people/{wang.pk}/").status_code == 200
    page = client.get("/people/corrections/")
    assert page.status_code == 200 and "住址写错了" not in page.content.decode()
    assert "住址写错了" in login(client, cast.bob).get("/people/corrections/").content.decode()


def test_the_download_holds_every_field_of_the_record_in_clear(client, cast):
    # PIPL Art 45: the person gets everything held about them, each field as it is stored.
    wang = register(
        cast.bob,
        cast.xiwanzi_team,
        address="西湾子镇东街12号",
        skills_note="驾驶",
        service_categories="应急救援",
        service_branch="army",
        enlisted_year=1990,
        discharged_year=1994,
        military_specialty="汽车驾驶",
        discharge_doc="军退字1994第123号",
        party="member",
        emergency_name="王红",
        emergency_phone="13811112222",
    )
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    services.membership_add(
        actor=cast.bob,
        volunteer=wang,
        organization=cast.rescue,
        role="member",
        started_on=date(2021, 1, 1),
    )
    services.volunteer_status_change(
        actor=cast.bob, volunteer=wang, to_status=Status.SUSPENDED, reason="外出务工"
    )
    data = json.loads(login(client, cast.erin).get("/people/me/download/").content)
    expected = {
        "name": "王建国", "gender": "男", "birth_date": "1975-03-15", "id_number": ID_1,
        "phone": PHONE_1, "residence_region": "西湾子镇", "address": "西湾子镇东街12号",
        "home_org": cast.xiwanzi_team.name, "status": str(Status.SUSPENDED.label), "skills": "驾驶",
        "service_categories": "应急救援", "service_branch": "陆军", "enlisted_year": 1990,
        "discharged_year": 1994, "military_specialty": "汽车驾驶",
        "discharge_doc": "军退字1994第123号", "party": "中共党员", "emergency_contact": "王红",
        "emergency_phone": "13811112222", "health": "",
    }  # fmt: skip
    assert {key: data[key] for key in expected} == expected
    [membership] = data["memberships"]
    assert membership == {
        "organization": cast.rescue.name, "role": "队员", "from": "2021-01-01", "until": None,
    }  # fmt: skip
    assert [(c["from"], c["to"], c["reason"]) for c in data["status_history"]] == [
        ("active", "suspended", "外出务工"),  # newest first
        ("", "active", "登记"),
    ]
    assert [(c["purpose"], c["granted"]) for c in data["consents"]] == [("registration", True)]


def test_the_duplicates_page_costs_the_same_queries_for_six_groups_as_for_two(client, cast, wang):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def twin(name: str, serial: int, phone: str) -> None:
        register(
            cast.bob,
            cast.rescue,
            id_number=fictitious_id_number(
                address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=serial
            ),
            name=name,
            phone=phone,
        )

    twin("王建国", 7, "13500000000")
    # Two people of different names sharing a phone: a group by phone.
    twin("赵一", 40, "13600000000")
    twin("钱二", 41, "13600000000")
    login(client, cast.bob)
    with CaptureQueriesContext(connection) as two:
        page = client.get("/people/duplicates/")
    assert len(page.context["groups"]) == 2
    for n in range(4):
        for serial in (20 + 2 * n, 21 + 2 * n):
            twin(f"李{n}", serial, f"1350000{serial:04d}")
    with CaptureQueriesContext(connection) as six:
        page = client.get("/people/duplicates/")
    assert len(page.context["groups"]) == 6
    assert len(six) == len(two)
