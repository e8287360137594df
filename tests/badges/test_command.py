from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.badges.conftest import register
from vetserve.badges.models import Badge


def run(*args: str) -> str:
    out = StringIO()
    call_command("issue_badges", *args, stdout=out)
    return out.getvalue()


def test_issue_badges_gives_every_active_volunteer_without_one_a_badge(cast, wang, badge):
    register(cast.bob, cast.rescue, name="李卫东", serial=2, phone="13700002222")
    register(cast.carol, cast.zhangbei_team, name="赵刚", serial=3, phone="13600003333")
    output = run("--issued-on", "2022-02-11")
    assert "Issued 2 badges" in output
    assert sorted(Badge.objects.values_list("number", flat=True)) == [
        "ZJK-130709-00001",
        "ZJK-130709-00002",
        "ZJK-130722-00001",
    ]
    assert "already holds" in run()


def test_issue_badges_can_be_limited_to_one_organization_and_its_sub_teams(cast, wang):
    register(cast.bob, cast.rescue_sub, name="李卫东", serial=2, phone="13700002222")
    run("--org", str(cast.rescue.pk), "--user", "bob")
    assert [b.volunteer.name for b in Badge.objects.all()] == ["李卫东"]
    assert Badge.objects.get().issued_by == cast.bob


def test_issue_badges_refuses_a_user_without_scope(cast, wang):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run("--user", "carol")
    with pytest.raises(CommandError):
        run("--user", "nobody")
