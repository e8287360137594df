"""Call-outs through the pages and the API: a dispatcher (Bob, 崇礼's administrator) fills a
night snow call-out end to end; volunteers accept or decline on the phone page the SMS links
to; a decline or a timeout invites the next reserve; outsiders see nothing; bad input is
refused in words; the review page costs the same queries for 2 people as for 6."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login, make_user, register_volunteer
from vetserve.accounts.models import Role
from vetserve.activities.models import Activity, SignUp, SignUpState
from vetserve.audit.models import AuditEntry
from vetserve.dispatch import pattern
from vetserve.dispatch.models import (
    CallOut,
    Invitation,
    InvitationState,
    LineKind,
    ProposalLine,
    SmsState,
)
from vetserve.dispatch.services import (
    ShiftSpec,
    availability_set,
    callout_create,
    invitations_expire,
    invitations_send,
    proposal_run,
)
from vetserve.dispatch.tokens import sign
from vetserve.people.models import Volunteer

NAMES = ["赵一", "钱二", "孙三", "李四", "周五", "吴六"]


def _people(cast: Any, n: int) -> list[Volunteer]:
    people = []
    for i, name in enumerate(NAMES[:n]):
        v = register_volunteer(
            cast.bob, cast.xiwanzi_team, name=name, serial=10 + i, phone=f"1390000{i:04d}",
            born=date(1970, 1, 1),
        )  # fmt: skip
        v.user = make_user(f"v{i}", (Role.VOLUNTEER, cast.xiwanzi_team))
        v.save(update_fields=["user"])
        people.append(v)
    return people


def _callout(cast: Any, *, wanted: int = 2, emergency: bool = True) -> CallOut:
    start = timezone.now() + timedelta(hours=6)
    return callout_create(
        actor=cast.bob,
        organization=cast.chongli_fed,
        region=cast.xiwanzi,
        title="太子城夜间除雪",
        place="太子城场馆",
        category="snow_ice",
        emergency=emergency,
        shifts=[
            ShiftSpec(
                post="场馆入口",
                starts_at=start,
                ends_at=start + timedelta(hours=4),
                min_people=wanted,
                wanted_people=wanted,
                max_people=wanted,
            )
        ],
    )


def _answer(invitation: Invitation, choice: str) -> Any:
    return Client().post(f"/i/{sign(invitation.token)}", {"answer": choice})


def test_a_dispatcher_fills_a_call_out_end_to_end_and_the_roster_is_complete(
    cast: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    people = _people(cast, 4)
    login(client, cast.bob)
    start = timezone.localtime(timezone.now() + timedelta(hours=6)).replace(second=0, microsecond=0)
    form = {
        "title": "太子城夜间除雪",
        "organization": cast.chongli_fed.pk,
        "region": cast.xiwanzi.pk,
        "category": "snow_ice",
        "place": "太子城场馆",
        "emergency": "on",
        "widen": "on",
        "shift-TOTAL_FORMS": "1",
        "shift-INITIAL_FORMS": "0",
        "shift-MIN_NUM_FORMS": "1",
        "shift-MAX_NUM_FORMS": "20",
        "shift-0-post": "场馆入口",
        "shift-0-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "shift-0-ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "shift-0-min_people": "2",
        "shift-0-wanted_people": "2",
        "shift-0-max_people": "2",
    }
    response = client.post("/dispatch/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    callout = CallOut.objects.get()
    assert callout.emergency and callout.answer_minutes == 15

    client.post(f"/dispatch/{callout.pk}/act/", {"action": "run"})
    page = client.get(f"/dispatch/{callout.pk}/").content.decode()
    assert "赵一" in page or "钱二" in page
    assigned = ProposalLine.objects.filter(kind=LineKind.ASSIGNED)
    assert assigned.count() == 2
    assert ProposalLine.objects.filter(kind=LineKind.RESERVE).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/dispatch/{callout.pk}/act/", {"action": "send"})
    invited = list(Invitation.objects.order_by("id"))
    assert len(invited) == 2 and all(i.state == InvitationState.PENDING for i in invited)
    assert all(i.sms_state == SmsState.SENT for i in invited)  # the logging sender took them

    # The first declines on the phone page: one tap, and the first reserve is asked at once.
    assert _answer(invited[0], "decline").status_code == 200
    third = Invitation.objects.exclude(pk__in=[i.pk for i in invited]).get()
    assert third.rank == 1
    for invitation in (invited[1], third):
        page = _answer(invitation, "accept").content.decode()
        assert "已在" in page or "roster" in page
    shift = callout.shifts.get()
    roster = SignUp.objects.filter(shift=shift, state=SignUpState.CONFIRMED)
    assert roster.count() == 2
    assert set(roster.values_list("volunteer_id", flat=True)) == {
        invited[1].volunteer_id,
        third.volunteer_id,
    }
    live = client.get(f"/dispatch/{callout.pk}/live/").content.decode()
    assert "2/2" in live
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "callout.create",
        "dispatch.propose",
        "dispatch.invite",
        "dispatch.declined",
        "dispatch.accepted",
    } <= actions
    assert len(people) == 4


def test_a_timeout_invites_the_next_reserve_once_however_often_it_runs(cast: Any) -> None:
    _people(cast, 4)
    callout = _callout(cast, wanted=1)
    proposal_run(actor=cast.bob, callout=callout)
    (first,) = invitations_send(actor=cast.bob, callout=callout)
    later = first.expires_at + timedelta(seconds=1)
    assert invitations_expire(now=later) == 1
    assert invitations_expire(now=later) == 0
    first.refresh_from_db()
    assert first.state == InvitationState.EXPIRED
    pending = Invitation.objects.filter(state=InvitationState.PENDING)
    assert pending.count() == 1 and pending.get().rank == 1
    # An answer after the time is refused in words, and changes nothing.
    page = _answer(first, "accept").content.decode()
    assert 'value="accept"' not in page
    assert not SignUp.objects.filter(volunteer=first.volunteer).exists()


def test_the_command_for_cron_expires_invitations(cast: Any) -> None:
    from django.core.management import call_command

    _people(cast, 3)
    callout = _callout(cast, wanted=1)
    proposal_run(actor=cast.bob, callout=callout)
    (first,) = invitations_send(actor=cast.bob, callout=callout)
    Invitation.objects.filter(pk=first.pk).update(
        sent_at=timezone.now() - timedelta(hours=2), expires_at=timezone.now() - timedelta(hours=1)
    )
    call_command("dispatch-timeouts")
    first.refresh_from_db()
    assert first.state == InvitationState.EXPIRED
    assert Invitation.objects.filter(state=InvitationState.PENDING).count() == 1


def test_the_dispatcher_takes_someone_off_and_adds_a_reserve(cast: Any, client: Client) -> None:
    _people(cast, 3)
    callout = _callout(cast, wanted=1)
    proposal_run(actor=cast.bob, callout=callout)
    login(client, cast.bob)
    chosen = ProposalLine.objects.get(kind=LineKind.ASSIGNED)
    reserve = ProposalLine.objects.filter(kind=LineKind.RESERVE).order_by("rank").first()
    assert reserve is not None
    page = client.get(f"/dispatch/{callout.pk}/").content.decode()
    assert f'value="remove-{chosen.pk}"' in page and f'value="add-{reserve.pk}"' in page
    client.post(f"/dispatch/{callout.pk}/act/", {"edit": f"remove-{chosen.pk}"})
    client.post(f"/dispatch/{callout.pk}/act/", {"edit": f"add-{reserve.pk}"})
    (invitation,) = invitations_send(actor=cast.bob, callout=callout)
    assert invitation.volunteer_id == reserve.volunteer_id


def test_a_pattern_without_nights_keeps_a_person_off_a_night_shift_unless_reachable(
    cast: Any, client: Client
) -> None:
    (zhao,) = _people(cast, 1)
    login(client, zhao.user)
    days_only = pattern.mask_of([(d, p) for d in range(7) for p in (1, 2)])
    slots = [f"{d}-{p}" for d, p in pattern.bits_of(days_only)]
    response = client.post("/dispatch/me/availability/", {"form": "pattern", "slots": slots})
    assert response.status_code == 302
    start = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        hour=1, minute=0, second=0, microsecond=0
    )
    common: dict[str, Any] = {
        "actor": cast.bob, "organization": cast.chongli_fed, "region": cast.xiwanzi,
        "title": "夜班", "place": "太子城",
        "shifts": [ShiftSpec("入口", start, start + timedelta(hours=3), 1, 1, 1)],
    }  # fmt: skip
    plain = callout_create(**common, emergency=False)
    proposal_run(actor=cast.bob, callout=plain)
    assert not ProposalLine.objects.filter(proposal__callout=plain, kind="assigned").exists()
    availability_set(
        actor=zhao.user, volunteer=zhao, weekly_mask=days_only, emergency_reachable=True
    )
    urgent = callout_create(**common, emergency=True)
    proposal_run(actor=cast.bob, callout=urgent)
    assert ProposalLine.objects.get(proposal__callout=urgent, kind="assigned").volunteer == zhao


def test_the_phone_pages_are_linked_from_the_volunteers_home(cast: Any, client: Client) -> None:
    (zhao,) = _people(cast, 1)
    login(client, zhao.user)
    home = client.get("/").content.decode()
    assert "/dispatch/me/invitations/" in home and "/dispatch/me/availability/" in home
    page = client.get("/dispatch/me/availability/").content.decode()
    assert 'name="slots"' in page and "viewport" in page


def test_outsiders_see_no_call_out_and_a_forged_link_nothing(cast: Any, client: Client) -> None:
    _people(cast, 2)
    callout = _callout(cast, wanted=1)
    proposal_run(actor=cast.bob, callout=callout)
    (invitation,) = invitations_send(actor=cast.bob, callout=callout)
    for outsider in (cast.carol, cast.dave, cast.erin, cast.mallory):
        login(client, outsider)
        assert client.get(f"/dispatch/{callout.pk}/").status_code == 404
        assert client.get(f"/api/v1/dispatch/callouts/{callout.pk}").status_code == 404
        assert client.get("/api/v1/dispatch/callouts").json()["count"] == 0
        assert (
            client.post(f"/api/v1/dispatch/me/invitations/{invitation.pk}/answer",
                        {"accept": True}, content_type="application/json").status_code == 404
        )  # fmt: skip
    forged = sign(invitation.token)[:-1] + ("0" if sign(invitation.token)[-1] != "0" else "1")
    assert Client().get(f"/i/{forged}").status_code == 404
    login(client, cast.alice)  # the city's administrator dispatches across its counties
    assert client.get(f"/dispatch/{callout.pk}/").status_code == 200


def test_the_api_refuses_bad_seats_in_chinese_and_saves_nothing(cast: Any, client: Client) -> None:
    login(client, cast.bob)
    start = timezone.now() + timedelta(hours=3)
    body = {
        "title": "除雪", "organization_id": cast.chongli_fed.pk, "region_code": "130709100",
        "place": "太子城",
        "shifts": [{"post": "入口", "starts_at": start.isoformat(),
                    "ends_at": (start + timedelta(hours=2)).isoformat(),
                    "min_people": 5, "wanted_people": 2, "max_people": 1}],
    }  # fmt: skip
    response = client.post(
        "/api/v1/dispatch/callouts", body, content_type="application/json",
        headers={"accept-language": "zh-hans"},
    )  # fmt: skip
    assert response.status_code == 422, response.content
    assert "人数" in response.json()["message"]
    assert not CallOut.objects.exists()
    assert not Activity.objects.exists()  # no partial write: the activity went with it
    body["shifts"][0].update(min_people=1, wanted_people=1, max_people=20_000)  # type: ignore[index]
    assert (
        client.post("/api/v1/dispatch/callouts", body, content_type="application/json").status_code
        == 422
    )
    body["shifts"][0].update(max_people=1)  # type: ignore[index]
    made = client.post("/api/v1/dispatch/callouts", body, content_type="application/json")
    assert made.status_code == 201
    callout_id = made.json()["id"]
    board = client.post(f"/api/v1/dispatch/callouts/{callout_id}/propose").json()
    assert board["proposal_status"] in ("optimal", "feasible", "infeasible")


def test_the_review_page_costs_the_same_queries_for_two_people_as_for_six(
    cast: Any, client: Client
) -> None:
    _people(cast, 6)
    login(client, cast.bob)
    counts = []
    for wanted in (2, 6):
        callout = _callout(cast, wanted=wanted)
        proposal_run(actor=cast.bob, callout=callout)
        invitations_send(actor=cast.bob, callout=callout)
        assert Invitation.objects.filter(callout=callout).count() == wanted
        client.get(f"/dispatch/{callout.pk}/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/dispatch/{callout.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_call_out_list_and_my_invitations_cost_the_same_queries_for_one_as_for_four(
    cast: Any, client: Client
) -> None:
    (zhao,) = _people(cast, 1)
    counts: list[tuple[int, int]] = []
    for n in (1, 3):
        for _ in range(n):
            callout = _callout(cast, wanted=1)
            proposal_run(actor=cast.bob, callout=callout)
            invitations_send(actor=cast.bob, callout=callout)
        login(client, cast.bob)
        with CaptureQueriesContext(connection) as listed:
            assert client.get("/dispatch/").status_code == 200
        login(client, zhao.user)
        with CaptureQueriesContext(connection) as mine:
            assert client.get("/dispatch/me/invitations/").status_code == 200
        counts.append((len(listed), len(mine)))
    assert Invitation.objects.filter(volunteer=zhao).count() == 4
    assert counts[0] == counts[1], counts
