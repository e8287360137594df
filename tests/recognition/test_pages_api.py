"""Recognition through the pages and the API: stars from confirmed hours with the dates they
were reached, a federation's own thresholds and grant step, awards and evaluations entered by
leaders and administrators in scope (and shown on the volunteer's page and their own), team
honours, honour rolls that list only people who consented to publication; outsiders reach
nothing; lists cost the same queries for few rows as for many."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import login
from tests.conftest import register_volunteer as register
from tests.recognition.conftest import publish, serve
from vetserve.audit.models import AuditEntry
from vetserve.recognition.models import Award, Evaluation, StarGrant, StarSettings, TeamHonour
from vetserve.recognition.services import star_settings_save

SMALL = (1, 2, 3, 4, 5)  # hours: a test reaches five stars in a few entries


def small_stars(cast: Any, *, grant: bool = False) -> StarSettings:
    return star_settings_save(
        actor=cast.alice, federation=cast.city_fed, thresholds=SMALL, grant_required=grant
    )


# --- stars ------------------------------------------------------------------------------------


def test_stars_count_confirmed_hours_only_with_the_day_each_was_reached(
    client: Client, cast: Any, patrol: Any
) -> None:
    small_stars(cast)
    serve(cast, patrol.activity, patrol.wang, date(2022, 2, 1), 90)
    serve(cast, patrol.activity, patrol.wang, date(2022, 2, 3), 60)
    serve(cast, patrol.activity, patrol.wang, date(2022, 2, 5), 600, confirm=False)
    login(client, patrol.wang.user)
    stars = client.get("/api/v1/recognition/me/stars").json()
    assert stars["confirmed_minutes"] == 150 and stars["stars"] == 2 and stars["reached"] == 2
    reached = {level["stars"]: level["reached_on"] for level in stars["levels"]}
    assert reached == {1: "2022-02-01", 2: "2022-02-03", 3: None, 4: None, 5: None}
    page = client.get("/recognition/me/")
    assert page.status_code == 200 and "2022-02-03" in page.text and "★★" in page.text


def test_without_settings_the_defaults_apply_and_a_correction_takes_a_star_back(
    client: Client, cast: Any, patrol: Any
) -> None:
    from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_correct

    days = [date(2022, 3, d) for d in range(1, 6)]
    entries = [serve(cast, patrol.activity, patrol.wang, day, 20 * 60) for day in days]
    login(client, cast.bob)
    stars = client.get(f"/api/v1/recognition/volunteers/{patrol.wang.pk}/stars").json()
    assert stars["stars"] == 1 and stars["levels"][0]["reached_on"] == "2022-03-05"
    assert [lv["hours_needed"] for lv in stars["levels"]] == [100, 300, 600, 1000, 1500]
    correction = ledger_entry_correct(
        actor=cast.bob, entry=entries[0], minutes=19 * 60, reason="多记一小时"
    )
    ledger_entry_confirm(actor=cast.alice, entry=correction)
    stars = client.get(f"/api/v1/recognition/volunteers/{patrol.wang.pk}/stars").json()
    assert stars["confirmed_minutes"] == 99 * 60 and stars["stars"] == 0
    assert stars["levels"][0]["reached_on"] is None


def test_a_federation_that_requires_a_grant_shows_a_star_once_an_administrator_granted_it(
    client: Client, cast: Any, patrol: Any
) -> None:
    small_stars(cast, grant=True)
    serve(cast, patrol.activity, patrol.wang, date(2022, 2, 1), 90)
    login(client, patrol.wang.user)
    mine = client.get("/api/v1/recognition/me/stars").json()
    assert mine["reached"] == 1 and mine["stars"] == 0 and mine["awaiting_grant"] == [1]
    # A team leader does not grant stars; the volunteer not their own.
    login(client, cast.dave)
    url = f"/api/v1/recognition/volunteers/{patrol.wang.pk}/stars/grants"
    assert client.post(url, {"stars": 1}, content_type="application/json").status_code == 403
    login(client, cast.bob)
    refused = client.post(url, {"stars": 2}, content_type="application/json")
    assert refused.status_code == 422 and "尚未达到" in refused.json()["message"]
    page = client.get(f"/recognition/volunteer/{patrol.wang.pk}/")
    assert "授予" in page.text
    response = client.post(f"/recognition/volunteer/{patrol.wang.pk}/grant/", {"level": 1})
    assert response.status_code == 302
    grant = StarGrant.objects.get()
    assert grant.level == 1 and grant.granted_by == cast.bob
    assert grant.reached_on == date(2022, 2, 1)
    assert AuditEntry.objects.filter(action="recognition.star_grant").count() == 1
    again = client.post(url, {"stars": 1}, content_type="application/json")
    assert again.status_code == 422
    login(client, patrol.wang.user)
    assert client.get("/api/v1/recognition/me/stars").json()["stars"] == 1


def test_star_rules_refuse_thresholds_out_of_order_in_chinese_and_keep_the_old_ones(
    client: Client, cast: Any
) -> None:
    small_stars(cast)
    login(client, cast.alice)
    response = client.post(
        "/recognition/settings/",
        {"federation": cast.city_fed.pk, "star1_hours": 100, "star2_hours": 90,
         "star3_hours": 600, "star4_hours": 1000, "star5_hours": 1500},
    )  # fmt: skip
    assert response.status_code == 200 and "每一星所需时长须多于下一星" in response.text
    assert StarSettings.objects.get().thresholds == SMALL
    api = client.put(
        "/api/v1/recognition/star-settings",
        {"federation_id": cast.city_fed.pk, "thresholds": [1, 2, 3, 4, 100_001]},
        content_type="application/json",
    )
    assert api.status_code in (400, 422)
    ok = client.post(
        "/recognition/settings/",
        {"federation": cast.city_fed.pk, "star1_hours": 50, "star2_hours": 150,
         "star3_hours": 300, "star4_hours": 500, "star5_hours": 800, "grant_required": "on"},
    )  # fmt: skip
    assert ok.status_code == 302
    row = StarSettings.objects.get()
    assert row.thresholds == (50, 150, 300, 500, 800) and row.grant_required
    assert AuditEntry.objects.filter(action="recognition.star_settings").count() == 2
    # A county administrator sets no city's rules.
    login(client, cast.bob)
    assert client.get("/recognition/settings/").status_code == 200
    response = client.put(
        "/api/v1/recognition/star-settings",
        {"federation_id": cast.city_fed.pk, "thresholds": [1, 2, 3, 4, 5]},
        content_type="application/json",
    )
    assert response.status_code == 404


# --- awards and evaluations -------------------------------------------------------------------


def test_a_leader_records_an_award_with_its_document_shown_on_the_volunteers_pages(
    client: Client, cast: Any, patrol: Any
) -> None:
    login(client, cast.dave)
    volunteer_page = client.get(f"/people/{patrol.wang.pk}/")
    assert f"/recognition/volunteer/{patrol.wang.pk}/" in volunteer_page.text
    scan = SimpleUploadedFile("award.pdf", b"%PDF-1.4 award", content_type="application/pdf")
    response = client.post(
        f"/recognition/volunteer/{patrol.wang.pk}/",
        {"form": "award", "award-kind": "award", "award-name": "冬奥志愿服务先进个人",
         "award-awarded_on": "2022-03-20", "award-granting_unit": "张家口市人民政府",
         "award-level": "city", "award-document": scan},
    )  # fmt: skip
    assert response.status_code == 302
    award = Award.objects.get()
    assert award.recorded_by == cast.dave and award.document
    assert AuditEntry.objects.filter(action="recognition.award").count() == 1
    # A file that only claims to be a PDF is refused, nothing stored.
    fake = SimpleUploadedFile("fake.pdf", b"MZ not a pdf", content_type="application/pdf")
    refused = client.post(
        f"/recognition/volunteer/{patrol.wang.pk}/",
        {"form": "award", "award-kind": "award", "award-name": "假证书",
         "award-awarded_on": "2022-03-20", "award-granting_unit": "某单位",
         "award-level": "city", "award-document": fake},
    )  # fmt: skip
    assert refused.status_code == 200 and "PDF" in refused.text and Award.objects.count() == 1
    login(client, patrol.wang.user)
    assert "冬奥志愿服务先进个人" in client.get("/people/me/").text
    assert "冬奥志愿服务先进个人" in client.get("/recognition/me/").text
    document = client.get(f"/recognition/awards/{award.pk}/document/")
    assert document.status_code == 200 and b"".join(document.streaming_content).startswith(b"%PDF")
    login(client, cast.carol)
    assert client.get(f"/recognition/awards/{award.pk}/document/").status_code == 404
    assert client.get(f"/recognition/volunteer/{patrol.wang.pk}/").status_code == 404


def test_an_evaluation_is_a_rating_or_a_grade_and_nobody_evaluates_themself(
    client: Client, cast: Any, patrol: Any
) -> None:
    url = f"/api/v1/recognition/volunteers/{patrol.wang.pk}/evaluations"
    login(client, cast.bob)
    both = client.post(
        url, {"evaluated_on": "2022-03-01", "rating": 5, "grade": "excellent"},
        content_type="application/json",
    )  # fmt: skip
    assert both.status_code in (400, 422) and Evaluation.objects.count() == 0
    assert client.post(
        url, {"evaluated_on": "2022-03-01", "rating": 6}, content_type="application/json"
    ).status_code in (400, 422)
    made = client.post(
        url, {"evaluated_on": "2022-03-01", "grade": "excellent", "comment": "冬奥期间表现突出"},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["evaluator_name"] == "bob"
    assert AuditEntry.objects.filter(action="recognition.evaluation").count() == 1
    page = client.post(
        f"/recognition/volunteer/{patrol.wang.pk}/",
        {"form": "evaluation", "evaluation-evaluated_on": "2022-04-01", "evaluation-rating": "4"},
    )
    assert page.status_code == 302
    listed = client.get(url).json()
    assert listed["count"] == 2 and {e["grade"] for e in listed["items"]} == {"excellent", ""}
    login(client, patrol.wang.user)
    assert "优秀" in client.get("/recognition/me/").text
    assert (
        client.post(
            url, {"evaluated_on": "2022-03-01", "rating": 5}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.post("/recognition/me/", {"form": "evaluation"}).status_code == 403


def test_a_flag_presented_to_a_team_is_recorded_by_the_level_above_and_shown_on_its_page(
    client: Client, cast: Any
) -> None:
    url = f"/api/v1/recognition/teams/{cast.rescue.pk}/honours"
    body = {"kind": "flag", "name": "扛红旗、当先锋", "awarded_on": "2022-01-20",
            "granting_unit": "张家口市爱国拥军联合会", "level": "city"}  # fmt: skip
    login(client, cast.dave)  # leads the team: it does not honour itself
    assert client.post(url, body, content_type="application/json").status_code == 403
    login(client, cast.bob)
    assert client.post(url, body, content_type="application/json").status_code == 201
    honour = TeamHonour.objects.get()
    assert honour.region_id == cast.rescue.region_id
    assert AuditEntry.objects.filter(action="recognition.team_honour").count() == 1
    login(client, cast.dave)
    assert "扛红旗、当先锋" in client.get(f"/orgs/{cast.rescue.pk}/").text
    assert "扛红旗、当先锋" in client.get("/recognition/honours/?kind=flag").text
    login(client, cast.carol)
    assert "扛红旗、当先锋" not in client.get("/recognition/honours/").text
    assert client.get("/api/v1/recognition/team-honours").json()["count"] == 0
    assert client.get(f"/recognition/team/{cast.rescue.pk}/").status_code == 404


# --- honour rolls ----------------------------------------------------------------------------


def test_an_honour_roll_lists_only_people_who_consented_to_publication(
    client: Client, cast: Any, patrol: Any
) -> None:
    serve(cast, patrol.activity, patrol.li, date(2022, 2, 1), 600)  # the top, not consenting
    serve(cast, patrol.activity, patrol.wang, date(2022, 2, 1), 300)
    publish(patrol.wang)
    login(client, cast.bob)
    page = client.get(f"/recognition/rolls/?region={cast.chongli.pk}&year=2022")
    assert page.status_code == 200
    assert "王建国" in page.text and "李卫东" not in page.text
    roll = client.get(
        f"/api/v1/recognition/honour-roll?region={cast.chongli.pk}&campaign={patrol.campaign.pk}"
    ).json()
    assert [(line["rank"], line["name"], line["confirmed_minutes"]) for line in roll["lines"]] == [
        (1, "王建国", 300)
    ]
    publish(patrol.li)
    lines = client.get(f"/api/v1/recognition/honour-roll?region={cast.chongli.pk}").json()["lines"]
    assert [line["name"] for line in lines] == ["李卫东", "王建国"]
    publish(patrol.wang, granted=False)  # withdrawn: off the roll at once
    lines = client.get(f"/api/v1/recognition/honour-roll?region={cast.chongli.pk}").json()["lines"]
    assert [line["name"] for line in lines] == ["李卫东"]
    # Another year, another county: nobody.
    assert (
        client.get(f"/api/v1/recognition/honour-roll?region={cast.chongli.pk}&year=2023").json()[
            "lines"
        ]
        == []
    )
    login(client, cast.carol)
    assert (
        client.get(f"/api/v1/recognition/honour-roll?region={cast.chongli.pk}").status_code == 404
    )
    zhangbei = client.get(f"/api/v1/recognition/honour-roll?region={cast.zhangbei.pk}").json()
    assert zhangbei["lines"] == []


def test_the_volunteer_home_links_to_their_honours_and_the_rolls(
    client: Client, cast: Any, patrol: Any
) -> None:
    login(client, patrol.wang.user)
    home = client.get("/").text
    assert "/recognition/me/" in home and "/recognition/rolls/" in home
    rolls = client.get("/recognition/rolls/")
    assert rolls.status_code == 200
    login(client, cast.bob)
    home = client.get("/").text
    assert "/recognition/stars/" in home and "/recognition/settings/" in home


# --- costs ------------------------------------------------------------------------------------


def _people(cast: Any, patrol: Any, n: int) -> None:
    for i in range(n):
        person = register(
            cast.bob, cast.rescue, name=f"志愿者{i}", serial=100 + i, phone=f"1390000{i:04d}"
        )
        serve(cast, patrol.activity, person, date(2022, 2, 1 + i), 60 + i)
        publish_as_office(cast, person)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_stars_list_and_the_roll_cost_the_same_queries_for_few_rows_as_for_many(
    client: Client, cast: Any, patrol: Any
) -> None:
    small_stars(cast)
    login(client, cast.bob)
    _people(cast, patrol, 2)
    region = cast.chongli.pk
    urls = [
        "/recognition/stars/",
        f"/recognition/rolls/?region={region}",
        "/recognition/honours/",
        f"/api/v1/recognition/honour-roll?region={region}",
    ]
    few = [_queries(client, url) for url in urls]
    _people_more(cast, patrol)
    many = [_queries(client, url) for url in urls]
    assert few == many
    assert "志愿者6" in client.get("/recognition/stars/").text


def _people_more(cast: Any, patrol: Any) -> None:
    for i in range(2, 8):
        person = register(
            cast.bob, cast.rescue, name=f"志愿者{i}", serial=100 + i, phone=f"1390000{i:04d}"
        )
        serve(cast, patrol.activity, person, date(2022, 2, 1 + i), 60 + i)
        publish_as_office(cast, person)


def publish_as_office(cast: Any, person: Any) -> None:
    from vetserve.people.models import Consent
    from vetserve.people.services import consent_record

    consent_record(
        actor=cast.bob, volunteer=person, purpose=Consent.Purpose.PUBLICATION, granted=True,
        text_version="2022-1",
    )  # fmt: skip


def test_reading_a_volunteers_star_is_a_fixed_number_of_queries_whatever_their_entries(
    cast: Any, patrol: Any
) -> None:
    from vetserve.recognition.selectors import star_status

    serve(cast, patrol.activity, patrol.wang, date(2022, 2, 1), 60)
    with CaptureQueriesContext(connection) as one:
        star_status(patrol.wang)
    for day in range(2, 12):
        serve(cast, patrol.activity, patrol.wang, date(2022, 2, day), 60)
    with CaptureQueriesContext(connection) as many:
        status = star_status(patrol.wang)
    assert len(one.captured_queries) == len(many.captured_queries) <= 3
    assert status.confirmed_minutes == 11 * 60
