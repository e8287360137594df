"""Granting a role takes effect at once, even on a user object that already computed its scope."""

from __future__ import annotations

from typing import Any

from tests.conftest import make_org
from vetserve.accounts.models import Role
from vetserve.accounts.services import grant_create
from vetserve.core.access import CHANGE, can, forget, may_change_org, visible_to
from vetserve.orgs.models import Kind, Organization


def test_a_grant_made_on_the_same_user_object_is_seen_at_once(cast: Any) -> None:
    team = make_org("太子城村志愿服务队", "130709100", Kind.GRASSROOTS, cast.chongli_fed)
    user = cast.mallory
    # The user's rights are read (and cached on the object) before the grant...
    assert not visible_to(user, Organization).filter(pk=team.pk).exists()
    assert not can(user, CHANGE)
    grant_create(actor=cast.bob, user=user, role=Role.COUNTY_ADMIN, region=cast.chongli)
    # ...and the same object sees the new scope, for lists and single decisions alike.
    assert visible_to(user, Organization).filter(pk=team.pk).exists()
    assert may_change_org(user, team) and can(user, CHANGE)


def test_forget_drops_every_cache_of_a_users_rights(cast: Any) -> None:
    user = cast.bob
    assert may_change_org(user, cast.xiwanzi_team)
    user.grants.all().delete()  # behind the access module's back, as a command might
    assert may_change_org(user, cast.xiwanzi_team)  # cached for the request
    forget(user)
    assert not may_change_org(user, cast.xiwanzi_team)
    assert not visible_to(user, Organization).filter(pk=cast.xiwanzi_team.pk).exists()
