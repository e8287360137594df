from __future__ import annotations

from vetserve.core.access import CHANGE, VIEW, scope_for
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
