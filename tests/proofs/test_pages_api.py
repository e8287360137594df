"""Proofs through the pages and the API: the volunteer downloads their own from "my hours", a
leader or administrator issues one for a person in scope, the list of proofs in scope with
revoke, the public check; outsiders reach nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import login, make_user
from tests.conftest import register_volunteer as register
from tests.proofs.conftest import at
from vetserve.accounts.models import Role
from vetserve.audit.models import AuditEntry
from vetserve.ledger.services import ledger_entry_record
from vetserve.proofs.models import Proof
from vetserve.proofs.services import proof_issue
from vetserve.proofs.tokens import proof_token

HERE = "203.0.113.9"


def issue(cast: Any, snow: Any, **kwargs: Any) -> Proof:
    return proof_issue(actor=cast.dave, volunteer=snow.wang, organization=cast.rescue, **kwargs)


def test_a_volunteer_gets_a_signed_proof_of_their_own_hours_from_my_hours(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    login(client, snow.wang.user)
    assert "/proofs/me/" in client.get("/ledger/me/").text
    page = client.get("/proofs/me/")
    assert page.status_code == 200 and cast.rescue.name in page.text
    response = client.post("/proofs/me/", {"organization": cast.rescue.pk, "scope": "all"})
    proof = Proof.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/proofs/{proof.pk}/"
    assert proof.minutes == 150 and proof.confirmed_minutes == 150 and proof.entries == 1
    assert proof.issued_by == snow.wang.user and proof.person_in_charge == "张队长"
    assert AuditEntry.objects.filter(action="proof.issue", object_id=str(proof.pk)).exists()
    pdf = client.get(f"/proofs/{proof.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="proof.download").count() == 1


def test_a_leader_issues_one_for_a_volunteer_in_scope_from_their_ledger_page(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    login(client, cast.dave)
    assert (
        f"/proofs/volunteer/{snow.wang.pk}/"
        in client.get(f"/ledger/volunteer/{snow.wang.pk}/").text
    )
    response = client.post(
        f"/proofs/volunteer/{snow.wang.pk}/",
        {"organization": cast.rescue.pk, "scope": "year", "year": 2022},
    )
    assert response.status_code == 302
    proof = Proof.objects.get()
    assert proof.scope == "year" and proof.year == 2022 and proof.minutes == 150
    assert proof.number in client.get("/proofs/").text


def test_outsiders_see_no_proof_and_cannot_issue_one(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    proof = issue(cast, snow)
    for outsider in (cast.carol, cast.mallory, cast.erin):
        login(client, outsider)
        assert client.get(f"/proofs/{proof.pk}/").status_code == 404
        assert client.get(f"/proofs/{proof.pk}/pdf/").status_code == 404
        assert client.post(f"/proofs/{proof.pk}/revoke/", {"reason": "x"}).status_code == 404
        assert proof.number not in client.get("/proofs/").text
        assert client.get(f"/proofs/volunteer/{snow.wang.pk}/").status_code == 404
        assert client.get("/api/v1/proofs").json()["count"] == 0
        assert client.get(f"/api/v1/proofs/{proof.pk}").status_code == 404
        body = {"volunteer_id": snow.wang.pk, "organization_id": cast.rescue.pk}
        assert (
            client.post("/api/v1/proofs", body, content_type="application/json").status_code == 404
        )
    assert Proof.objects.count() == 1 and Proof.objects.get().is_valid


def test_a_volunteer_cannot_revoke_their_own_proof_a_leader_can_with_a_reason(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    proof = issue(cast, snow)
    login(client, snow.wang.user)
    assert client.post(f"/proofs/{proof.pk}/revoke/", {"reason": "不要了"}).status_code == 403
    login(client, cast.dave)
    page = client.post(f"/proofs/{proof.pk}/revoke/", {"reason": ""}, follow=True)
    assert "请填写撤销原因" in page.text or "撤销" in page.text
    proof.refresh_from_db()
    assert proof.is_valid
    client.post(f"/proofs/{proof.pk}/revoke/", {"reason": "时长已更正"})
    proof.refresh_from_db()
    assert proof.revoked_at is not None and proof.revoked_by == cast.dave
    entry = AuditEntry.objects.get(action="proof.revoke")
    assert entry.reason == "时长已更正"
    # A revoked proof is not handed out again, and its check says so.
    assert client.get(f"/proofs/{proof.pk}/pdf/").status_code == 302
    check = Client(REMOTE_ADDR=HERE).get(f"/verify/proof/{proof_token(proof.number)}")
    assert "该证明已被撤销" in check.text


def test_totals_are_frozen_at_issue(cast: Any, snow: Any, served: Any) -> None:
    proof = issue(cast, snow)
    ledger_entry_record(
        actor=cast.dave, volunteer=snow.wang, activity=snow.activity,
        service_date=at(8).date(), minutes=60,
    )  # fmt: skip
    proof.refresh_from_db()
    assert proof.minutes == 150
    assert issue(cast, snow).minutes == 210


def test_bad_scopes_are_refused_in_chinese_and_nothing_is_issued(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    login(client, cast.dave)
    url = f"/proofs/volunteer/{snow.wang.pk}/"
    base = {"organization": cast.rescue.pk}
    cases = [
        ({"scope": "range", "date_from": "2022-03-01", "date_to": "2022-02-01"},
         "结束日期不能早于开始日期"),
        ({"scope": "year", "year": 2021}, "没有记录该志愿者的服务时长"),
        ({"scope": "year", "year": 3000}, "2099"),
        ({"scope": "activities"}, "请至少选择一项活动"),
    ]  # fmt: skip
    for data, message in cases:
        page = client.post(url, base | data)
        assert page.status_code == 200 and message in page.text, (data, message)
    assert Proof.objects.count() == 0
    api = client.post(
        "/api/v1/proofs",
        {"volunteer_id": snow.wang.pk, "organization_id": cast.rescue.pk, "scope": "range",
         "date_from": "2022-03-01", "date_to": "2022-02-01"},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 422 and "结束日期不能早于开始日期" in api.json()["message"]


def test_a_proof_of_selected_activities_counts_only_those(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    proof = issue(cast, snow, scope="activities", activity_ids=[snow.activity.pk])
    assert proof.minutes == 150 and list(proof.activities.all()) == [snow.activity]
    assert proof.lines == [["太子城场馆除雪", 150, 1]]


def test_the_api_lists_issues_revokes_and_the_public_check_answers_without_login(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    login(client, cast.bob)
    made = client.post(
        "/api/v1/proofs",
        {"volunteer_id": snow.wang.pk, "organization_id": cast.rescue.pk},
        content_type="application/json",
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["minutes"] == 150 and body["verify_url"].startswith(
        "http://testserver/verify/proof/"
    )
    assert client.get("/api/v1/proofs").json()["count"] == 1
    public = Client(REMOTE_ADDR=HERE)
    check = public.get("/api/v1/public/proofs/verify", {"code": body["verify_url"]}).json()
    assert check == {
        "state": "valid", "valid": True, "number": body["number"], "name": "王*国",
        "hours": "2.5", "issuer": cast.rescue.name, "issued_on": check["issued_on"],
    }  # fmt: skip
    revoked = client.post(
        f"/api/v1/proofs/{body['id']}/revoke",
        {"reason": "错误出具"},
        content_type="application/json",
    )
    assert revoked.status_code == 200 and revoked.json()["revoke_reason"] == "错误出具"
    assert (
        public.get("/api/v1/public/proofs/verify", {"code": body["verify_url"]}).json()["state"]
        == "revoked"
    )


@pytest.mark.parametrize("code", ["", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOP:forged"])
def test_forged_or_unknown_codes_are_not_genuine(db: Any, code: str) -> None:
    answer = Client(REMOTE_ADDR=HERE).get("/api/v1/public/proofs/verify", {"code": code}).json()
    assert answer["state"] == "not_genuine" and answer["name"] == ""


def test_a_signed_token_of_a_number_that_does_not_exist_is_not_genuine(db: Any) -> None:
    page = Client(REMOTE_ADDR=HERE).get(f"/verify/proof/{proof_token('ABCDEFGHIJKLMNOP')}")
    assert page.status_code == 200 and "不是真实的证明" in page.text


def test_the_public_check_is_throttled_per_address(
    cast: Any, snow: Any, served: Any, settings: Any
) -> None:
    settings.PROOF_VERIFY_PER_MINUTE = 3
    token = proof_token(issue(cast, snow).number)
    client = Client(REMOTE_ADDR=HERE)
    for _check in range(3):
        assert client.get(f"/verify/proof/{token}").status_code == 200
    response = client.get(f"/verify/proof/{token}")
    assert response.status_code == 429 and "每分钟最多 3 次" in response.text
    assert "王*国" not in response.text
    api = client.get("/api/v1/public/proofs/verify", {"code": token})
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    assert Client(REMOTE_ADDR="198.51.100.20").get(f"/verify/proof/{token}").status_code == 200


def test_proof_numbers_are_random_16_base32_characters(cast: Any, snow: Any, served: Any) -> None:
    numbers = {issue(cast, snow).number for _i in range(5)}
    assert len(numbers) == 5
    assert all(len(n) == 16 and set(n) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for n in numbers)


def test_the_list_costs_the_same_queries_for_one_proof_or_many(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    issue(cast, snow)
    login(client, cast.bob)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/proofs/").status_code == 200
    others = [
        register(cast.bob, cast.rescue, name=f"张{i}", serial=10 + i, phone=f"1390000{i:04d}")
        for i in range(4)
    ]
    for volunteer in others:
        ledger_entry_record(
            actor=cast.dave, volunteer=volunteer, activity=snow.activity,
            service_date=at(8).date(), minutes=30,
        )  # fmt: skip
        proof_issue(actor=cast.dave, volunteer=volunteer, organization=cast.rescue)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/proofs/")
    assert page.text.count("/proofs/") >= 5
    assert len(many) == len(one)
    with CaptureQueriesContext(connection) as api_many:
        assert client.get("/api/v1/proofs").json()["count"] == 5
    assert len(api_many) < 15


def test_a_leader_of_another_team_may_not_issue_for_a_unit_he_does_not_lead(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    grace = make_user("grace", (Role.ORG_LEADER, cast.xiwanzi_team))
    assert Proof.objects.count() == 0
    login(client, grace)
    assert client.get(f"/proofs/volunteer/{snow.wang.pk}/").status_code == 404


def test_an_erased_persons_proof_checks_as_revoked_without_a_name(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    from vetserve.people.services import volunteer_erase

    proof = issue(cast, snow)
    volunteer_erase(actor=cast.bob, volunteer=snow.wang, reason="本人申请删除")
    answer = Client(REMOTE_ADDR=HERE).get(
        "/api/v1/public/proofs/verify", {"code": proof_token(proof.number)}
    )
    assert answer.json()["state"] == "revoked" and answer.json()["name"] == ""
    response = login(client, cast.dave).get(f"/proofs/{proof.pk}/pdf/")
    assert response.status_code == 302


def test_more_activities_than_fit_are_summed_into_one_line(
    cast: Any, snow: Any, served: Any
) -> None:
    from vetserve.activities.models import Activity
    from vetserve.proofs.models import LINES_MAX

    for i in range(LINES_MAX + 2):
        activity = Activity.objects.get(pk=snow.activity.pk)
        activity.pk = None
        activity.title = f"巡山{i:02d}"
        activity.save()
        ledger_entry_record(
            actor=cast.dave, volunteer=snow.wang, activity=activity,
            service_date=at(8).date(), minutes=10 + i,
        )  # fmt: skip
    proof = issue(cast, snow)
    assert len(proof.lines) == LINES_MAX
    assert proof.lines[-1][0] == "其他活动（4 项）"
    assert sum(line[1] for line in proof.lines) == proof.minutes
    assert sum(line[2] for line in proof.lines) == proof.entries == LINES_MAX + 3


def test_my_proofs_is_for_volunteers_only(client: Any, cast: Any) -> None:
    assert login(client, cast.mallory).get("/proofs/me/").status_code == 404
    client.logout()
    assert client.get("/proofs/me/").status_code == 302  # to the login page


def test_a_volunteer_cannot_ask_a_unit_that_recorded_nothing_of_theirs(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    login(client, snow.wang.user)
    page = client.post("/proofs/me/", {"organization": cast.zhangbei_team.pk, "scope": "all"})
    assert page.status_code == 200 and Proof.objects.count() == 0


def test_a_volunteer_issues_and_downloads_their_own_through_the_api(
    client: Any, cast: Any, snow: Any, served: Any
) -> None:
    login(client, snow.wang.user)
    made = client.post(
        "/api/v1/proofs",
        {"volunteer_id": snow.wang.pk, "organization_id": cast.rescue.pk, "scope": "year",
         "year": 2022},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.text
    pdf = client.get(f"/api/v1/proofs/{made.json()['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="proof.download").count() == 1
    revoke = client.post(
        f"/api/v1/proofs/{made.json()['id']}/revoke", {"reason": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert revoke.status_code == 403
