from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext

from tests.conftest import register_volunteer as register
from vetserve.audit.models import AuditEntry
from vetserve.core.access import may_reveal
from vetserve.people import services
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.models import Consent, Membership, Status, Volunteer
from vetserve.people.selectors import volunteer_duplicates, volunteer_list

ID_1 = fictitious_id_number(
    address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=1
)
ID_2 = fictitious_id_number(address_code="130722", birth_date=date(1980, 7, 1), male=True, serial=2)


def test_registration_derives_gender_and_birth_date_from_the_id(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    assert (v.gender, v.birth_date) == ("male", date(1975, 3, 15))
    assert v.id_number_masked == ID_1[:6] + "********" + ID_1[-4:]
    assert v.phone_masked == "139****1111"
    assert v.region_id == cast.xiwanzi_team.region_id
    assert v.consents.get().purpose == Consent.Purpose.REGISTRATION
    assert AuditEntry.objects.filter(action="volunteer.register", object_id=str(v.pk)).exists()


def test_a_gender_or_birth_date_that_disagrees_with_the_id_is_refused(cast):
    with pytest.raises(ValidationError) as info:
        register(cast.bob, cast.xiwanzi_team, gender="female", birth_date=date(1975, 3, 16))
    assert set(info.value.message_dict) == {"gender", "birth_date"}
    assert not Volunteer.objects.exists()


def test_the_same_id_cannot_be_registered_twice_and_the_pointer_respects_scope(cast):
    first = register(cast.bob, cast.xiwanzi_team)
    with pytest.raises(ValidationError) as mine:
        register(cast.bob, cast.rescue, id_number=ID_1.lower())
    assert f"{first.pk}" in mine.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as theirs:
        register(cast.carol, cast.zhangbei_team, id_number=ID_1)
    message = theirs.value.message_dict["id_number"][0]
    assert "王建国" not in message and str(first.pk) not in message


def test_nobody_registers_volunteers_outside_their_scope(cast):
    with pytest.raises(PermissionDenied):
        register(cast.carol, cast.xiwanzi_team)
    with pytest.raises(PermissionDenied):
        register(cast.erin, cast.xiwanzi_team)


def test_the_database_holds_no_clear_id_or_phone(cast):
    register(
        cast.bob, cast.xiwanzi_team, emergency_phone="13811112222", discharge_doc="退字第123456号"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_volunteer")
        dump = repr(cursor.fetchall())
    for secret in (ID_1, "13900001111", "13811112222", "123456"):
        assert secret not in dump


def test_exact_id_and_phone_search_go_through_the_blind_index(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    register(cast.carol, cast.zhangbei_team, id_number=ID_2, name="李卫东", phone="13700002222")
    assert list(volunteer_list(user=cast.bob, search=ID_1)) == [v]
    assert list(volunteer_list(user=cast.bob, search="139 0000 1111")) == [v]
    assert list(volunteer_list(user=cast.bob, search=ID_2)) == []  # exists, but not Bob's
    assert list(volunteer_list(user=cast.bob, search="wjg")) == [v]


def test_roster_scopes(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    register(cast.carol, cast.zhangbei_team, id_number=ID_2, name="李卫东", phone="13700002222")
    assert set(volunteer_list(user=cast.alice).values_list("name", flat=True)) == {
        "王建国",
        "李卫东",
    }
    assert list(volunteer_list(user=cast.bob)) == [v]
    assert list(volunteer_list(user=cast.frank)) == [v]
    assert not volunteer_list(user=cast.mallory).exists()
    # Erin's grant is on the same team, but a volunteer does not see fellow volunteers.
    assert not volunteer_list(user=cast.erin).exists()
    # Dave leads the rescue team: he sees members of it, wherever their home is.
    assert not volunteer_list(user=cast.dave).exists()
    services.membership_add(
        actor=cast.bob,
        volunteer=v,
        organization=cast.rescue,
        role=Membership.Role.MEMBER,
        started_on=date(2021, 10, 1),
    )
    assert list(volunteer_list(user=cast.dave)) == [v]


def test_a_volunteer_sees_their_own_record(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    v.user = cast.erin
    v.save(update_fields=["user"])
    assert list(volunteer_list(user=cast.erin)) == [v]


def test_reveal_needs_the_reveal_right_a_reason_and_is_logged(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    # Frank audits 崇礼: never full numbers, even given the permission.
    cast.frank.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    frank = type(cast.frank).objects.get(pk=cast.frank.pk)  # fresh permission cache
    with pytest.raises(PermissionDenied):
        services.volunteer_reveal(actor=frank, volunteer=v, field="id_number", reason="核对")
    # Bob administers 崇礼: the right comes with the role.
    bob = cast.bob
    with pytest.raises(ValidationError):
        services.volunteer_reveal(actor=bob, volunteer=v, field="id_number", reason=" ")
    assert (
        services.volunteer_reveal(actor=bob, volunteer=v, field="id_number", reason="核对保险")
        == ID_1
    )
    entry = AuditEntry.objects.get(action="volunteer.reveal")
    assert entry.reason == "核对保险" and entry.actor == bob


def test_status_changes_follow_the_flow_and_keep_history(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    services.volunteer_status_change(
        actor=cast.bob, volunteer=v, to_status=Status.SUSPENDED, reason="伤病"
    )
    with pytest.raises(ValidationError):
        services.volunteer_status_change(
            actor=cast.bob, volunteer=v, to_status=Status.APPLIED, reason="x"
        )
    assert [c.to_status for c in v.status_changes.all()] == [Status.SUSPENDED, Status.ACTIVE]


def test_editing_the_phone_logs_only_masked_values(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    services.volunteer_update(actor=cast.bob, volunteer=v, phone="13600003333")
    entry = AuditEntry.objects.get(action="volunteer.update")
    assert entry.changes == {"phone": ["139****1111", "136****3333"]}
    assert services.volunteer_reveal_value(v, "phone") == "13600003333"


def with_reveal_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def test_reveal_follows_the_change_scope_a_leader_yes_an_auditor_or_anonymous_no(cast):
    v = register(cast.bob, cast.rescue_sub)
    dave, frank = with_reveal_permission(cast.dave), with_reveal_permission(cast.frank)
    assert may_reveal(dave, v)  # leads the rescue team, sub-team included
    assert not may_reveal(frank, v)  # reads the county, changes nothing
    assert not may_reveal(AnonymousUser(), v)
    assert not may_reveal(with_reveal_permission(cast.carol), v)


def test_an_empty_protected_field_reveals_as_empty(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    assert services.volunteer_reveal_value(v, "emergency_phone") == ""
    assert services.volunteer_reveal_value(v, "discharge_doc") == ""


def test_registering_outside_ones_scope_says_why(cast):
    with pytest.raises(PermissionDenied) as error:
        register(cast.carol, cast.xiwanzi_team)
    assert str(error.value) == gettext("You may not manage volunteers of this organization.")


def test_erasing_a_person_leaves_an_anonymous_row(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    services.volunteer_erase(actor=cast.bob, volunteer=v, reason="本人申请删除")
    v.refresh_from_db()
    assert v.name == services.ERASED_NAME and v.id_number_index is None and v.phone_enc == ""
    assert v.region_id == cast.xiwanzi_team.region_id  # still counts where it served
    assert not volunteer_list(user=cast.bob).exists()
    # The ID can be registered again (a new consent, a new record).
    register(cast.bob, cast.xiwanzi_team)


def test_erasing_leaves_no_number_contact_or_note_behind(cast):
    v = register(
        cast.bob,
        cast.xiwanzi_team,
        emergency_phone="13811112222",
        discharge_doc="退字第123456号",
        emergency_name="赵红",
        address="西湾子镇某街7号",
        military_specialty="驾驶员",
        skills_note="电工证",
    )
    services.consent_record(
        actor=cast.bob, volunteer=v, purpose="health", granted=True, text_version="2026-11"
    )
    services.health_declare(
        actor=cast.bob, volunteer=v, text="高血压", declared_on=date(2025, 1, 1)
    )
    v.user = cast.erin
    v.save(update_fields=["user"])
    services.volunteer_erase(actor=cast.bob, volunteer=Volunteer.objects.get(pk=v.pk), reason="x")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_volunteer WHERE id = %s", [v.pk])
        row = repr(cursor.fetchall())
    for trace in (
        "王建国",
        "wjg",
        "赵红",
        "1111",
        "2222",
        "123456",
        "西湾子镇某街",
        "驾驶员",
        "电工证",
    ):
        assert trace not in row
    v.refresh_from_db()
    assert v.emergency_phone_enc == v.emergency_phone_masked == ""
    assert v.discharge_doc_enc == v.discharge_doc_masked == v.phone_masked == v.phone_index == ""
    assert v.id_number_enc == v.id_number_masked == v.health_enc == "" and v.id_number_index is None
    assert v.name_pinyin == v.name_initials == "" and v.health_declared_on is None
    assert v.address == v.emergency_name == v.military_specialty == v.skills_note == ""
    assert v.user is None and v.erased_at is not None


def test_merging_keeps_memberships_and_history(cast):
    keep = register(cast.bob, cast.xiwanzi_team)
    drop = register(cast.bob, cast.rescue, id_number=ID_2, phone="13700002222")
    services.membership_add(
        actor=cast.bob,
        volunteer=drop,
        organization=cast.rescue_sub,
        role="member",
        started_on=date(2021, 1, 1),
    )
    services.volunteer_merge(actor=cast.bob, keep=keep, drop=drop, reason="同一人")
    assert list(keep.memberships.values_list("organization__name", flat=True)) == [
        cast.rescue_sub.name
    ]
    assert keep.status_changes.count() == 2
    drop.refresh_from_db()
    assert drop.merged_into == keep and drop.id_number_index is None


def test_likely_duplicates_are_found_by_name_and_birth_date(cast):
    a = register(cast.bob, cast.xiwanzi_team)
    other = fictitious_id_number(
        address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=7
    )
    b = register(cast.bob, cast.rescue, id_number=other, phone="13500000000")
    assert [{x.pk for x in g} for g in volunteer_duplicates(user=cast.bob)] == [{a.pk, b.pk}]
    assert volunteer_duplicates(user=cast.carol) == []


def test_health_data_needs_its_own_consent_and_goes_when_it_is_withdrawn(cast):
    v = register(cast.bob, cast.xiwanzi_team)
    with pytest.raises(ValidationError):
        services.health_declare(
            actor=cast.bob, volunteer=v, text="高血压", declared_on=date(2022, 1, 1)
        )
    services.consent_record(
        actor=cast.bob, volunteer=v, purpose="health", granted=True, text_version="2026-11"
    )
    services.health_declare(
        actor=cast.bob, volunteer=v, text="高血压", declared_on=date(2022, 1, 1)
    )
    assert services.volunteer_data_export(volunteer=v)["health"] == "高血压"
    services.consent_record(
        actor=cast.bob, volunteer=v, purpose="health", granted=False, text_version="2026-11"
    )
    v.refresh_from_db()
    assert v.health_enc == ""


def test_key_rotation_re_encrypts_old_values(cast, settings):
    settings.DATA_KEY_ID = "k1"
    v = register(cast.bob, cast.xiwanzi_team)
    assert v.id_number_enc.startswith("k1:")
    settings.DATA_KEY_ID = "k2"
    assert services.rotate_keys() == 1
    v.refresh_from_db()
    assert v.id_number_enc.startswith("k2:") and v.phone_enc.startswith("k2:")
    assert services.volunteer_reveal_value(v, "id_number") == ID_1
    assert services.rotate_keys() == 0
