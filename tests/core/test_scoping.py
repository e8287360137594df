from __future__ import annotations

from datetime import date

from tests.conftest import make_user
from vetserve.accounts.models import LoginFailure, Role
from vetserve.activities.models import Campaign
from vetserve.activities.services import campaign_create
from vetserve.core.access import AUDIT, CHANGE, VIEW, Scope, scope_for
from vetserve.orgs.models import Organization
from vetserve.regions.models import Region


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_city_admin_sees_every_organization_in_the_city(cast):
    assert names(Organization.objects.visible_to(cast.alice)) == names(Organization.objects.all())


def test_county_admins_see_only_their_own_county(cast):
    bob_sees = names(Organization.objects.visible_to(cast.bob))
    assert bob_sees == {
        "崇礼区爱国拥军联合会",
        "崇礼蓝天应急救援队",
        "崇礼蓝天应急救援队山地分队",
        "西湾子镇退役军人志愿服务队",
    }
    carol_sees = names(Organization.objects.visible_to(cast.carol))
    assert carol_sees == {"张北县爱国拥军联合会", "张北镇退役军人志愿服务队"}


def test_team_leader_sees_and_changes_the_team_and_its_sub_teams_only(cast):
    expected = {"崇礼蓝天应急救援队", "崇礼蓝天应急救援队山地分队"}
    assert names(Organization.objects.visible_to(cast.dave)) == expected
    assert names(Organization.objects.visible_to(cast.dave, CHANGE)) == expected


def test_volunteer_sees_own_team_and_changes_nothing(cast):
    assert names(Organization.objects.visible_to(cast.erin)) == {"西湾子镇退役军人志愿服务队"}
    assert not Organization.objects.visible_to(cast.erin, CHANGE).exists()


def test_auditor_reads_the_county_but_changes_nothing(cast):
    assert names(Organization.objects.visible_to(cast.frank)) == names(
        Organization.objects.visible_to(cast.bob)
    )
    assert not Organization.objects.visible_to(cast.frank, CHANGE).exists()


def test_outsider_sees_nothing(cast):
    assert not Organization.objects.visible_to(cast.mallory).exists()
    assert not Region.objects.visible_to(cast.mallory).exists()
    scope = scope_for(cast.mallory, VIEW)
    assert not (scope.region_ranges or scope.region_ids or scope.org_paths or scope.org_ids)


def test_county_admin_sees_own_subtree_plus_the_units_above_it(cast):
    visible = Region.objects.visible_to(cast.bob)
    codes = set(visible.values_list("code", flat=True))
    assert {"130000", "130700", "130709", "130709100"} <= codes
    assert "130722" not in codes
    assert not Region.objects.visible_to(cast.bob, CHANGE).filter(code="130700").exists()


def test_everything_under_a_region_is_one_query(cast, django_assert_num_queries):
    low, high = cast.chongli.id_range
    with django_assert_num_queries(1):
        count = Region.objects.filter(id__gte=low, id__lte=high).count()
    assert count == 1 + Region.objects.filter(parent=cast.chongli).count()


def test_a_second_region_grant_adds_to_the_first_instead_of_replacing_it(cast):
    both = make_user("both", (Role.COUNTY_ADMIN, cast.chongli), (Role.COUNTY_ADMIN, cast.zhangbei))
    for action in (VIEW, CHANGE, AUDIT):
        seen = names(Organization.objects.visible_to(both, action))
        assert seen == names(Organization.objects.visible_to(cast.bob, action)) | names(
            Organization.objects.visible_to(cast.carol, action)
        )
        assert {"崇礼区爱国拥军联合会", "张北县爱国拥军联合会"} <= seen


def test_region_team_and_member_grants_of_one_user_add_up_whatever_their_order(cast):
    # The auditor grant comes first (by creation and by role name): it allows no change, and
    # must not end the reading of the others.
    mixed = make_user(
        "mixed",
        (Role.AUDITOR, cast.chongli),
        (Role.COUNTY_ADMIN, cast.zhangbei),
        (Role.ORG_LEADER, cast.rescue),
        (Role.VOLUNTEER, cast.xiwanzi_team),
    )
    for action in (VIEW, CHANGE, AUDIT):
        expected = set().union(
            *(
                names(Organization.objects.visible_to(one, action))
                for one in (cast.frank, cast.carol, cast.dave, cast.erin)
            )
        )
        assert names(Organization.objects.visible_to(mixed, action)) == expected, action
    assert "西湾子镇退役军人志愿服务队" in names(Organization.objects.visible_to(mixed))
    assert "崇礼蓝天应急救援队山地分队" in names(Organization.objects.visible_to(mixed, CHANGE))


def test_a_grant_range_includes_its_first_and_last_region_and_nothing_beyond(cast):
    low, high = cast.chongli.id_range
    bob = scope_for(cast.bob, CHANGE)
    assert bob.covers_region(low) and bob.covers_region(high)
    assert not bob.covers_region(low - 1) and not bob.covers_region(high + 1)
    # 西湾子镇's last possible village, and the township whose id follows its range.
    village = Region.objects.create(
        id=130709100999, code="130709100999", name="末村", level="village", parent=cast.xiwanzi
    )
    assert village.id_range == (village.id, village.id) == (village.id, cast.xiwanzi.id_range[1])
    next_township = Region.objects.get(id=cast.xiwanzi.id_range[1] + 1)
    township_auditor = make_user("township-auditor", (Role.AUDITOR, cast.xiwanzi))
    assert scope_for(township_auditor, AUDIT).covers_region(village.id)
    assert not scope_for(township_auditor, AUDIT).covers_region(next_township.id)
    auditor = make_user("village-auditor", (Role.AUDITOR, village))
    assert scope_for(auditor, AUDIT).covers_region(village.id)
    assert list(Region.objects.visible_to(auditor, AUDIT)) == [village]


def test_a_deactivated_user_keeps_no_scope_from_the_grants_they_still_hold(cast):
    cast.bob.is_active = False
    for action in (VIEW, CHANGE, AUDIT):
        assert scope_for(cast.bob, action).is_empty
        assert not Organization.objects.visible_to(cast.bob, action).exists()
        assert not scope_for(cast.bob, action).covers_region(cast.chongli.id)


def test_a_volunteer_sees_the_campaigns_of_their_own_team_only(cast):
    own = campaign_create(
        actor=cast.bob,
        organization=cast.xiwanzi_team,
        name="西湾子镇助老",
        starts_on=date(2031, 1, 1),
        ends_on=date(2031, 12, 31),
    )
    campaign_create(
        actor=cast.carol,
        organization=cast.zhangbei_team,
        name="张北镇助老",
        starts_on=date(2031, 1, 1),
        ends_on=date(2031, 12, 31),
    )
    assert list(Campaign.objects.visible_to(cast.erin)) == [own]
    assert not Campaign.objects.visible_to(cast.erin, CHANGE).exists()


def test_a_model_that_declares_no_place_is_reached_by_no_grant(cast):
    """Access stays closed by default: rows of a model without ``scope_region_field`` or
    ``scope_org_field`` match no region range or organization path."""
    LoginFailure.objects.create(username="bob")
    wide = Scope(region_ranges=(cast.city.id_range,), org_paths=("/",), org_ids=frozenset({1}))
    assert not LoginFailure.objects.filter(wide.q_for(LoginFailure)).exists()
