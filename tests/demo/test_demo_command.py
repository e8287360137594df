from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client

from vetserve.accounts.models import Role, User
from vetserve.activities.models import Activity, Campaign, Outcome
from vetserve.attendance.models import Attendance
from vetserve.attendance.selectors import served_minutes
from vetserve.badges.models import Badge
from vetserve.core.access import CHANGE
from vetserve.demo import data
from vetserve.demo.management.commands import demo as demo_command
from vetserve.ledger.models import LedgerEntry
from vetserve.ledger.selectors import chain_verify
from vetserve.ledger.services import (
    ledger_entry_confirm,
    ledger_entry_correct,
    ledger_from_attendance,
)
from vetserve.orgs.models import Kind, Organization
from vetserve.people.models import Membership, Volunteer
from vetserve.regions.models import Region
from vetserve.reports.selectors import story_rows
from vetserve.skills.models import Enrolment, Qualification, TrainingSession, VolunteerSkill


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def login_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=data.DEMO_PASSWORD)
    return client


def snapshot() -> list[tuple[object, ...]]:
    orgs = Organization.objects.order_by("pk").values_list(
        "pk", "name", "path", "region_id", "leader_name", "founded_on", "flag_awarded_on"
    )
    villages = Region.objects.filter(level="village").values_list("code", "name")
    return [*orgs, *villages]


def test_demo_builds_the_city_of_the_report_serves_it_and_rebuilds_it_identically(db, monkeypatch):
    out = run("--build-only")
    assert "Built the demo" in out

    orgs = Organization.objects.all()
    assert orgs.filter(kind=Kind.GRASSROOTS).count() == 612
    assert orgs.filter(kind=Kind.FEDERATION).count() == 20  # city, 16 counties, 3 zones
    chongli = Region.objects.get(code="130709")
    low, high = chongli.id_range
    assert (
        orgs.filter(region__gte=low, region__lte=high).exclude(kind=Kind.FEDERATION).count() == 17
    )
    assert orgs.filter(flag_awarded_on__isnull=False).count() == 8
    assert orgs.get(name="张家口红十字小黄人赛场救护志愿服务队").parent.name == "张家口市红十字会"
    assert orgs.filter(kind=Kind.STUDENT).count() == 3
    for org in orgs.select_related("parent"):
        assert org.path == f"{org.parent.path if org.parent else '/'}{org.pk}/"
        if org.parent and org.parent.founded_on and org.founded_on:
            assert org.founded_on > org.parent.founded_on
    for village in Region.objects.filter(level="village"):
        assert village.code[:9] == village.parent.code and village.code[9] == "2"

    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {spec.username for spec in data.LOGINS}
    assert users["admin"].is_superuser
    held = {g.role for u in users.values() for g in u.active_grants()}
    assert held == set(Role.values)
    assert all(u.check_password(data.DEMO_PASSWORD) for u in users.values())
    for username in users:
        assert f"  {username} " in out
    assert data.DEMO_PASSWORD in out

    # The county admin of 崇礼区 sees its federation and 17 teams, nothing of 张北县.
    seen = Organization.objects.visible_to(users["chongli"])
    assert seen.exclude(kind=Kind.FEDERATION).count() == 17
    assert not seen.filter(region__code__startswith="130722").exists()
    # The team leader changes their team and its sub-team, nothing else.
    led = Organization.objects.visible_to(users["leader"], CHANGE)
    assert sorted(led.values_list("name", flat=True)) == [
        "崇礼蓝天应急救援队",
        "崇礼蓝天应急救援队山地搜救分队",
    ]

    # The roster: 5,173 veterans, 372 of them in 崇礼区, badged; the special teams' sizes.
    volunteers = Volunteer.objects.all()
    assert volunteers.count() == 5173
    assert volunteers.filter(region__gte=low, region__lte=high).count() == 372
    assert Volunteer.objects.visible_to(users["chongli"]).count() == 372
    assert (
        Volunteer.objects.visible_to(users["zhangbei"])
        .filter(region__gte=low)
        .filter(region__lte=high)
        .count()
        == 0
    )
    assert (
        Badge.objects.filter(status="active").count() == volunteers.filter(status="active").count()
    )
    members = Membership.objects.filter(ended_on__isnull=True)
    assert members.filter(organization__name="张家口红十字小黄人赛场救护志愿服务队").count() == 13
    assert members.filter(organization__name="南杨庄乡退役军人抗疫志愿服务先锋队").count() == 11
    # The volunteer login sees their own record and no one else's.
    assert [v.name for v in Volunteer.objects.visible_to(users["volunteer"])] == ["李保国"]
    # The leader sees the members of the teams they lead.
    assert Volunteer.objects.visible_to(users["leader"]).count() >= 36
    assert all(len(v.id_number_masked) == 18 for v in volunteers[:50])

    # Skills, certificates and training: the first-aid team all hold a valid medical or
    # first-aid certificate, a few expiring soon; the drivers hold licences; sessions ran.
    today = date.today()
    valid = Qualification.objects.filter(revoked_at__isnull=True).exclude(expires_on__lt=today)
    medics = members.filter(organization__name="张家口红十字小黄人赛场救护志愿服务队")
    medical = valid.filter(
        type__code__in=["physician", "nurse", "rc_first_aider", "first_aider_senior"]
    )
    assert set(medics.values_list("volunteer_id", flat=True)) == set(
        medical.filter(volunteer__memberships__in=medics).values_list("volunteer_id", flat=True)
    )
    soon = medical.filter(
        volunteer__memberships__in=medics, expires_on__lte=today + timedelta(days=60)
    )
    assert soon.count() >= 3 and soon.filter(expires_on__lte=today + timedelta(days=7)).exists()
    drivers = members.filter(
        organization__name__in=["张家口市退役军人战勤公益车队", "河北战勤应急保障大队"]
    )
    assert set(drivers.values_list("volunteer_id", flat=True)) <= set(
        valid.filter(type__code__startswith="licence_").values_list("volunteer_id", flat=True)
    )
    assert valid.filter(verified_at__isnull=True).exists()
    assert (
        valid.filter(verified_at__isnull=False).count()
        > 10 * valid.filter(verified_at__isnull=True).count()
    )
    medic_specialty = volunteers.filter(military_specialty="卫生员")
    assert medic_specialty.exists()
    assert (
        VolunteerSkill.objects.filter(
            volunteer__in=medic_specialty, skill__code="first_aid", source="specialty"
        ).count()
        == medic_specialty.count()
    )
    assert VolunteerSkill.objects.filter(source="self").exists()
    sessions = TrainingSession.objects.all()
    assert sessions.count() >= 6
    assert all(s.date.year == 2021 and s.date.month >= 9 for s in sessions)
    for session in sessions:
        assert session.enrolments.filter(attended=True).exists()
        assert session.enrolments.count() <= session.capacity
    assert Qualification.objects.filter(origin="training", enrolment__passed=True).exists()
    assert not Enrolment.objects.filter(attended=False, passed=True).exists()
    certificates = list(
        Qualification.objects.order_by("pk").values_list(
            "volunteer_id", "type_id", "number", "issued_on", "expires_on", "verified_at"
        )
    )

    # The winter's campaign and activities: the checkpoint's 11 each served over 130 hours,
    # the snow clearing's 8,000 m², the first-aid team's 200+ events.
    campaign = Campaign.objects.get(name="相约冬奥—扛红旗、当先锋")
    assert campaign.organization.name == data.CITY_FEDERATION
    assert (campaign.starts_on, campaign.ends_on) == (date(2021, 9, 30), date(2022, 3, 20))
    guards = members.filter(organization__name="南杨庄乡退役军人抗疫志愿服务先锋队")
    for membership in guards.select_related("volunteer"):
        assert served_minutes(volunteer=membership.volunteer) >= 130 * 60
    outcomes = Outcome.objects.filter(activity__campaign=campaign)
    snow = outcomes.filter(outcome_type__code="snow_cleared_m2")
    assert sum(o.quantity for o in snow) == 8000
    assert {o.activity.organization.name for o in snow} == {"崇礼中国雪都退役军人志愿服务队"}
    checkpoint = outcomes.filter(activity__organization__name="南杨庄乡退役军人抗疫志愿服务先锋队")
    assert sum(o.quantity for o in checkpoint.filter(outcome_type__code="vehicles_checked")) == 5500
    assert sum(o.quantity for o in checkpoint.filter(outcome_type__code="people_checked")) == 11000
    events = outcomes.filter(
        outcome_type__code="events_covered",
        activity__organization__name="张家口红十字小黄人赛场救护志愿服务队",
    )
    assert sum(o.quantity for o in events) >= 200

    # The whole season: 2,790 activities, and every figure of the report reached, counted from
    # the records (ledger sums, outcome sums, counts).
    assert Activity.objects.filter(campaign=campaign, status="finished").count() == 2790
    short = [r.figure.key for r in story_rows(Region.objects.get(code="130700")) if not r.reaches]
    assert short == []
    # Every stay on record: each organization's chain verifies, every record is confirmed by
    # its unit within days (办法 Art 11), and the scheduled task finds nothing left but the
    # stays closed automatically, which wait for a leader.
    assert all(report.ok for report in chain_verify())
    records = LedgerEntry.objects.filter(source="attendance")
    confirmations = LedgerEntry.objects.filter(source="confirmation")
    assert records.count() == confirmations.count() > 18_000
    late = confirmations.filter(recorded_at__gt=F("refers_to__recorded_at") + timedelta(days=10))
    assert not late.exists()
    assert not records.filter(recorded_at__gt=F("activity__ends_at") + timedelta(days=3)).exists()
    assert ledger_from_attendance() == 0
    waiting = Attendance.objects.filter(auto_closed=True, corrections__isnull=True)
    assert waiting.exists() and not records.filter(attendance__in=waiting).exists()
    # The logins' homes have history: the volunteer's confirmed hours, the leader's team's.
    me = Volunteer.objects.get(user__username="volunteer")
    assert sum(confirmations.filter(volunteer=me).values_list("confirmed_minutes", flat=True)) > (
        10 * 60
    )
    led = Organization.objects.get(name="崇礼蓝天应急救援队")
    assert Activity.objects.filter(organization=led, status="finished").count() >= 5
    assert "/reports/story/" in login_client("city").get("/").content.decode()

    # The figures are counted, not stored: take back hours of one checkpoint guard until the
    # confirmed ones are 130 or fewer (corrections, confirmed) and that figure falls short.
    guard = guards.first().volunteer
    city_admin, admin = User.objects.get(username="city"), User.objects.get(username="admin")
    left = sum(confirmations.filter(volunteer=guard).values_list("confirmed_minutes", flat=True))
    for record in records.filter(volunteer=guard).order_by("seq"):
        if left <= 130 * 60:
            break
        correction = ledger_entry_correct(
            actor=city_admin, entry=record, minutes=0, reason="重复签到，核减"
        )
        ledger_entry_confirm(actor=admin, entry=correction)
        left -= record.minutes
    rows = {r.figure.key: r for r in story_rows(Region.objects.get(code="130700"))}
    assert (rows["checkpoint_volunteers"].ours, rows["checkpoint_volunteers"].reaches) == (
        10,
        False,
    )
    assert all(r.reaches for key, r in rows.items() if key != "checkpoint_volunteers")

    served: dict[str, object] = {}
    monkeypatch.setattr(demo_command, "run_gunicorn", lambda **options: served.update(options))
    monkeypatch.setattr(demo_command, "ensure_port_free", lambda host, port: None)
    worker = SimpleNamespace(calls=[])
    worker.terminate = lambda: worker.calls.append("terminate")
    worker.wait = lambda timeout: worker.calls.append("wait")
    monkeypatch.setattr(demo_command, "start_task_worker", lambda: worker)
    out = run("--port", "8123")
    assert "Demo data present" in out
    assert "http://127.0.0.1:8123/" in out
    assert served["bind"] == ["127.0.0.1:8123"]
    assert served["workers"] == 2
    # The roster import runs in the background: a task worker serves beside the server, and
    # stops with it.
    assert worker.calls == ["terminate", "wait"]

    before = snapshot()
    assert "Built the demo" in run("--build-only", "--rebuild")
    assert snapshot() == before
    assert (
        list(
            Qualification.objects.order_by("pk").values_list(
                "volunteer_id", "type_id", "number", "issued_on", "expires_on", "verified_at"
            )
        )
        == certificates
    )


def test_demo_refuses_to_overwrite_a_database_it_did_not_build(cast):
    with pytest.raises(CommandError, match="did not create"):
        run("--build-only")
    assert Organization.objects.filter(pk=cast.rescue.pk).exists()
    assert User.objects.filter(username="alice").exists()
