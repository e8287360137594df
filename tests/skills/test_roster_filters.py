"""The roster list filters by skill and by valid qualification (issue 4)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tests.conftest import login
from tests.skills.conftest import qtype, register
from vetserve.skills.models import Skill
from vetserve.skills.services import qualification_add, volunteer_skill_grant


def names(response) -> list[str]:
    return [row.volunteer.name for row in response.context["rows"]]


def test_the_roster_filters_by_skill(client, cast, wang):
    other = register(cast.bob, cast.rescue, name="赵刚", serial=3, phone="13600003333")
    volunteer_skill_grant(actor=cast.bob, volunteer=wang, skill=Skill.objects.get(code="first_aid"))
    login(client, cast.bob)
    skill = Skill.objects.get(code="first_aid").pk
    assert names(client.get("/people/", {"skill": skill})) == ["王建国"]
    assert set(names(client.get("/people/"))) == {"王建国", other.name}


def test_the_roster_filters_by_a_valid_qualification_including_higher_ones(client, cast, wang):
    today = timezone.localdate()
    expired = register(cast.bob, cast.rescue, name="赵刚", serial=3, phone="13600003333")
    unverified = register(cast.bob, cast.rescue, name="钱军", serial=4, phone="13600004444")
    # A senior first-aider certificate satisfies the basic one.
    qualification_add(
        actor=cast.bob,
        volunteer=wang,
        type=qtype("first_aider_senior"),
        issued_on=today - timedelta(days=30),
        verified=True,
    )
    qualification_add(
        actor=cast.bob,
        volunteer=expired,
        type=qtype("rc_first_aider"),
        issued_on=date(2018, 1, 1),
        expires_on=today - timedelta(days=1),
        verified=True,
    )
    qualification_add(
        actor=cast.bob,
        volunteer=unverified,
        type=qtype("rc_first_aider"),
        issued_on=today - timedelta(days=3),
    )
    login(client, cast.bob)
    response = client.get("/people/", {"qualification": qtype("rc_first_aider").pk})
    assert names(response) == ["王建国"]


def test_filters_do_not_widen_the_scope(client, cast, wang):
    volunteer_skill_grant(actor=cast.bob, volunteer=wang, skill=Skill.objects.get(code="first_aid"))
    login(client, cast.carol)
    assert names(client.get("/people/", {"skill": Skill.objects.get(code="first_aid").pk})) == []
