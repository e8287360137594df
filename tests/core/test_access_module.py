"""The access module's own promises, each found untested by a surviving mutant (docs/testing.md).

Most of the access rules are proved through pages and the API (the matrix, the outsider test);
these are the corners those cannot reach: a request's lazy user, a queryset handed to
``visible_to``, the system as actor, and where organizations may be placed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from tests.api.test_api import bearer
from tests.conftest import login, register_volunteer
from vetserve.accounts.models import Grant, Role
from vetserve.accounts.scope import scope_from_grants
from vetserve.accounts.services import grant_create
from vetserve.core import access
from vetserve.core.access import CHANGE, VIEW, can, forget, may_reveal, visible_to
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer


def test_a_grant_given_through_a_requests_lazy_user_is_seen_at_once(cast: Any) -> None:
    # request.user is a lazy proxy: the scope is cached on the proxy, the grant rows on the
    # user behind it; forget() must drop both.
    lazy = SimpleLazyObject(lambda: cast.mallory)
    assert not can(lazy, CHANGE)
    grant_create(actor=cast.bob, user=lazy, role=Role.COUNTY_ADMIN, region=cast.chongli)
    assert can(lazy, CHANGE)


def test_the_installed_resolver_decides_what_a_users_grants_reach(cast: Any) -> None:
    try:
        access.install_scope_resolver(lambda user, action: access.EVERYTHING)
        forget(cast.mallory)
        assert access.may_change_region(cast.mallory, cast.zhangbei.pk)
    finally:
        access.install_scope_resolver(scope_from_grants)
        forget(cast.mallory)
    assert not access.may_change_region(cast.mallory, cast.zhangbei.pk)


def test_visible_to_narrows_a_queryset_it_is_given_and_keeps_its_filter(cast: Any) -> None:
    teams = Organization.objects.filter(name__endswith="服务队")
    assert set(visible_to(cast.bob, teams).values_list("name", flat=True)) == {
        "西湾子镇退役军人志愿服务队"
    }


def test_visible_to_applies_the_action_it_is_asked_for(cast: Any) -> None:
    wang = register_volunteer(cast.bob, cast.xiwanzi_team)
    assert visible_to(cast.frank, Volunteer, VIEW).filter(pk=wang.pk).exists()
    assert not visible_to(cast.frank, Volunteer, CHANGE).exists()  # an auditor changes nothing


def test_the_system_as_actor_may_not_see_full_numbers(cast: Any) -> None:
    wang = register_volunteer(cast.bob, cast.xiwanzi_team)
    assert may_reveal(None, wang) is False


def test_a_county_admin_changes_an_activity_in_the_county_that_the_city_organizes(
    client: Any, cast: Any
) -> None:
    from vetserve.activities.services import activity_create

    start = timezone.now() + timedelta(days=30)
    activity = activity_create(
        actor=cast.alice,
        organization=cast.city_fed,
        region=cast.chongli,
        title="太子城交通疏导",
        category="traffic",
        place="太子城高铁站",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
    )
    # The activity lies in Bob's county, though the city federation runs it: he may change it.
    changed = bearer(cast.bob).patch(
        f"/api/v1/activities/{activity.pk}", {"place": "太子城站"}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert login(client, cast.bob).get(f"/activities/{activity.pk}/edit/").status_code == 200
    refused = bearer(cast.carol).patch(
        f"/api/v1/activities/{activity.pk}", {"place": "别处"}, content_type="application/json"
    )
    assert refused.status_code == 404


def test_organizations_go_only_where_one_may_change(cast: Any) -> None:
    body = {"name": "外来队", "kind": "grassroots", "region_code": cast.chongli.code}
    # Dave sees 崇礼 (his team is there) but administers no region: no top-level team...
    alone = bearer(cast.dave).post("/api/v1/orgs", body, content_type="application/json")
    assert alone.status_code == 403
    # ...and an auditor none under a federation he may read but not change.
    under = bearer(cast.frank).post(
        "/api/v1/orgs", {**body, "parent_id": cast.chongli_fed.pk}, content_type="application/json"
    )
    assert under.status_code == 403
    assert not Organization.objects.filter(name="外来队").exists()
    mine = bearer(cast.dave).post(
        "/api/v1/orgs", {**body, "parent_id": cast.rescue.pk}, content_type="application/json"
    )
    assert mine.status_code == 201, mine.content


def test_the_create_form_of_an_admin_who_is_also_a_volunteer_offers_only_their_regions(
    client: Any, cast: Any
) -> None:
    # A volunteer grant adds a team to Bob's view, not to what he may change: the regions
    # offered stay those he administers (not the city above him).
    Grant.objects.create(user=cast.bob, role=Role.VOLUNTEER, organization=cast.zhangbei_team)
    form = login(client, cast.bob).get("/orgs/new/").context["form"]
    regions = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert "130709" in regions and "130700" not in regions and "130722" not in regions


def test_grants_a_page_already_loaded_give_the_same_scope_as_grants_read_afresh(
    cast: Any,
) -> None:
    # The home page loads a user's grants with their regions; the scope then reuses them and
    # must name the same units above a team leader's team (the city, for breadcrumbs).
    fresh = access.scope_for(cast.dave, VIEW)
    forget(cast.dave)
    cast.dave.active_grants()
    reused = access.scope_for(cast.dave, VIEW)
    assert reused == fresh
    assert access.may_see_region(cast.dave, cast.city.pk)


def test_rows_placed_through_a_volunteer_follow_the_action_asked_for(cast: Any) -> None:
    from vetserve.badges.models import Badge
    from vetserve.badges.services import badge_issue
    from vetserve.people.models import Status

    # Bob administers 崇礼 and also audits 张北: he reads 张北's badges but manages none there.
    Grant.objects.create(user=cast.bob, role=Role.AUDITOR, region=cast.zhangbei)
    li = register_volunteer(cast.carol, cast.zhangbei_team, name="李卫东", address_code="130722")
    Volunteer.objects.filter(pk=li.pk).update(status=Status.ACTIVE)
    li.refresh_from_db()
    badge = badge_issue(actor=cast.carol, volunteer=li)
    assert visible_to(cast.bob, Badge, VIEW).filter(pk=badge.pk).exists()
    assert not visible_to(cast.bob, Badge, CHANGE).filter(pk=badge.pk).exists()
    assert visible_to(cast.carol, Badge, CHANGE).filter(pk=badge.pk).exists()


def test_the_system_reaches_nothing_through_a_scope_and_unknown_actions_are_refused(
    cast: Any,
) -> None:
    from vetserve.regions.models import Region

    assert access.scope_for(None, VIEW) is access.NOTHING
    assert not visible_to(None, Region).exists()
    with pytest.raises(ValueError, match="unknown action 'delete'"):
        access.scope_for(cast.bob, "delete")
