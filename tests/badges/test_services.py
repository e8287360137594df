from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.badges.conftest import ID_WANG, register
from vetserve.audit.models import AuditEntry
from vetserve.badges.models import Badge, BadgeCounter, BadgeEvent, Status
from vetserve.badges.selectors import badge_list, mask_name
from vetserve.badges.services import (
    badge_issue,
    badge_reissue,
    badge_report_lost,
    badge_revoke,
    badges_issue_bulk,
)
from vetserve.people.selectors import volunteer_list
from vetserve.people.services import volunteer_merge, volunteer_status_change


def test_numbers_read_prefix_county_and_sequence(cast, wang, settings):
    first = badge_issue(actor=cast.bob, volunteer=wang)
    other = register(cast.bob, cast.rescue_sub, name="李卫东", serial=2, phone="13700002222")
    second = badge_issue(actor=cast.bob, volunteer=other)
    zhangbei = register(cast.carol, cast.zhangbei_team, name="赵刚", serial=3, phone="13600003333")
    settings.BADGE_PREFIX = "HB"
    third = badge_issue(actor=cast.carol, volunteer=zhangbei)
    # Township and sub-team volunteers count in their county; each county has its own sequence.
    assert [first.number, second.number, third.number] == [
        "ZJK-130709-00001",
        "ZJK-130709-00002",
        "HB-130722-00001",
    ]
    assert BadgeCounter.objects.get(county_code="130709").last == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers itself")
def test_the_county_counter_is_locked_while_a_number_is_taken(cast, wang):
    with CaptureQueriesContext(connection) as queries:
        badge_issue(actor=cast.bob, volunteer=wang)
    locked = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any("badges_badgecounter" in sql for sql in locked)


def test_the_number_never_contains_the_id_number_or_its_parts(cast, wang, badge):
    # 王建国 was born in 张北 (130722) but serves in 崇礼: the county comes from his organization.
    assert ID_WANG.startswith("130722")
    for part in (ID_WANG, ID_WANG[:6], ID_WANG[6:14], ID_WANG[-4:]):
        assert part not in badge.number


def test_a_volunteer_holds_at_most_one_valid_badge(cast, wang, badge):
    with pytest.raises(ValidationError) as info:
        badge_issue(actor=cast.bob, volunteer=wang)
    assert info.value.code == "has_badge"
    # The database refuses it too, whatever the path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Badge.objects.create(
            number="ZJK-130709-99999", volunteer=wang, region=wang.region, issued_on=date.today()
        )


def test_only_active_volunteers_receive_badges(cast, wang):
    volunteer_status_change(actor=cast.bob, volunteer=wang, to_status="suspended", reason="伤病")
    with pytest.raises(ValidationError) as info:
        badge_issue(actor=cast.bob, volunteer=wang)
    assert info.value.code == "not_active"


def test_only_those_who_manage_the_volunteer_issue_or_change_badges(cast, wang, badge):
    other = register(cast.bob, cast.rescue, name="李卫东", serial=2, phone="13700002222")
    for outsider in (cast.carol, cast.erin, cast.frank, cast.mallory):
        with pytest.raises(PermissionDenied):
            badge_issue(actor=outsider, volunteer=other)
        with pytest.raises(PermissionDenied):
            badge_revoke(actor=outsider, badge=badge, reason="x")
    # Dave leads the rescue team, so he may badge its volunteers but not a township's.
    assert badge_issue(actor=cast.dave, volunteer=other).number.endswith("-00002")
    with pytest.raises(PermissionDenied):
        badge_report_lost(actor=cast.dave, badge=badge)


def test_reissue_keeps_the_chain_and_the_history(cast, wang, badge):
    badge_report_lost(actor=cast.bob, badge=badge, reason="乘车遗失")
    second = badge_reissue(actor=cast.bob, badge=badge, reason="补办")
    third = badge_reissue(actor=cast.alice, badge=second, reason="照片更新")
    badge.refresh_from_db()
    second.refresh_from_db()
    # A lost badge stays lost (a finder learns so); an active one becomes replaced.
    assert [b.status for b in (badge, second, third)] == ["lost", "replaced", "active"]
    assert third.replaces == second and second.replaces == badge
    assert badge.replaced_by == second
    assert [(e.from_status, e.to_status) for e in badge.events.all()] == [
        ("", "active"),
        ("active", "lost"),
        ("lost", "lost"),
    ]
    assert [e.reason for e in badge.events.all()][1:] == ["乘车遗失", "补办"]
    assert list(second.events.values_list("to_status", flat=True)) == ["active", "replaced"]
    assert second.events.last().actor == cast.alice
    assert list(
        AuditEntry.objects.filter(object_type="badges.badge").values_list("action", flat=True)
    ) == ["badge.reissue", "badge.reissue", "badge.lost", "badge.issue"]


def test_reissuing_because_of_loss_marks_the_old_badge_lost(cast, badge):
    new = badge_reissue(actor=cast.bob, badge=badge, lost=True)
    badge.refresh_from_db()
    assert (badge.status, new.status) == ("lost", "active")


def test_revoked_and_replaced_badges_are_final(cast, wang, badge):
    badge_revoke(actor=cast.bob, badge=badge, reason="离队")
    for action in (badge_report_lost, badge_reissue):
        with pytest.raises(ValidationError):
            action(actor=cast.bob, badge=badge)
    with pytest.raises(ValidationError):
        badge_revoke(actor=cast.bob, badge=badge, reason="again")
    # The volunteer may get a fresh badge afterwards (a new number, no chain).
    assert badge_issue(actor=cast.bob, volunteer=wang).replaces is None


def test_revoking_needs_a_reason(cast, badge):
    with pytest.raises(ValidationError):
        badge_revoke(actor=cast.bob, badge=badge, reason="  ")
    badge.refresh_from_db()
    assert badge.status == Status.ACTIVE


def test_history_is_append_only(badge):
    event = badge.events.get()
    event.reason = "changed"
    with pytest.raises(ValueError):
        event.save()


def test_badges_are_visible_exactly_like_their_volunteers(cast, wang, badge):
    zhangbei = register(cast.carol, cast.zhangbei_team, name="赵刚", serial=3, phone="13600003333")
    badge_issue(actor=cast.carol, volunteer=zhangbei)
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    for who in ("alice", "bob", "carol", "dave", "erin", "frank", "mallory", "root"):
        user = getattr(cast, who)
        assert set(badge_list(user=user).values_list("volunteer_id", flat=True)) == set(
            volunteer_list(user=user).values_list("pk", flat=True)
        ), who
    assert list(badge_list(user=cast.erin)) == [badge]  # her own badge
    assert not badge_list(user=cast.mallory).exists()


def test_bulk_issue_numbers_each_county_in_one_go_and_skips_holders(cast, wang, badge):
    people = [
        register(
            cast.bob, cast.xiwanzi_team, name=f"张{n}兵", serial=10 + n, phone=f"1390000{n:04d}"
        )
        for n in range(3)
    ] + [register(cast.carol, cast.zhangbei_team, name="赵刚", serial=3, phone="13600003333")]
    issued = badges_issue_bulk(
        actor=cast.alice, volunteers=[wang, *people], issued_on=date(2022, 1, 1)
    )
    assert [b.number for b in issued] == [
        "ZJK-130709-00002",
        "ZJK-130709-00003",
        "ZJK-130709-00004",
        "ZJK-130722-00001",
    ]
    assert Badge.objects.filter(status="active").count() == 5
    assert BadgeEvent.objects.filter(badge__in=issued, to_status="active").count() == 4
    assert AuditEntry.objects.filter(action="badge.issue_bulk").count() == 2  # one per organization
    assert len({b.nonce for b in Badge.objects.all()}) == 5


def test_bulk_issue_refuses_volunteers_outside_the_actors_scope(cast, wang):
    with pytest.raises(PermissionDenied):
        badges_issue_bulk(actor=cast.carol, volunteers=[wang], issued_on=date(2022, 1, 1))
    assert not Badge.objects.exists()


def test_merging_moves_badges_and_keeps_one_valid(cast, wang, badge):
    dup = register(cast.bob, cast.rescue, name="王建国", serial=2, phone="13700002222")
    dup_badge = badge_issue(actor=cast.bob, volunteer=dup)
    volunteer_merge(actor=cast.bob, keep=wang, drop=dup, reason="同一人")
    dup_badge.refresh_from_db()
    assert dup_badge.volunteer == wang and dup_badge.status == Status.REVOKED
    assert list(wang.badges.filter(status="active")) == [badge]
    assert f"#{dup.pk}" in dup_badge.events.last().reason


def test_merging_keeps_the_duplicates_valid_badge_when_the_kept_record_has_none(cast, wang):
    dup = register(cast.bob, cast.rescue, name="王建国", serial=2, phone="13700002222")
    dup_badge = badge_issue(actor=cast.bob, volunteer=dup)
    volunteer_merge(actor=cast.bob, keep=wang, drop=dup, reason="同一人")
    dup_badge.refresh_from_db()
    assert dup_badge.volunteer == wang and dup_badge.status == Status.ACTIVE


def test_the_roster_search_finds_a_volunteer_by_badge_number(cast, wang, badge):
    other = register(cast.bob, cast.rescue, name="李卫东", serial=2, phone="13700002222")
    badge_issue(actor=cast.bob, volunteer=other)
    assert list(volunteer_list(user=cast.bob, search=badge.number.lower())) == [wang]
    assert list(volunteer_list(user=cast.carol, search=badge.number)) == []
    # A name search is not multiplied by people holding several badges.
    badge_reissue(actor=cast.bob, badge=badge)
    assert list(volunteer_list(user=cast.bob, search="王")) == [wang]


@pytest.mark.parametrize(
    ("name", "masked"),
    [("王建国", "王*国"), ("李强", "李*"), ("欧阳建国", "欧**国"), ("王", "*"), ("", "")],
)
def test_names_are_masked_keeping_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_a_volunteer_who_leaves_loses_a_valid_badge(cast, wang, badge):
    volunteer_status_change(actor=cast.bob, volunteer=wang, to_status="left", reason="迁居外省")
    badge.refresh_from_db()
    assert badge.status == Status.REVOKED
    assert "迁居外省" in BadgeEvent.objects.filter(badge=badge).latest("at").reason


def test_a_suspended_volunteer_keeps_the_badge(cast, wang, badge):
    volunteer_status_change(actor=cast.bob, volunteer=wang, to_status="suspended", reason="伤病")
    badge.refresh_from_db()
    assert badge.status == Status.ACTIVE
