"""A fixed number of queries: the list of selections, the shortlist (page and API) and the run
itself cost the same for 5 people or selections as for 25 (no N+1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.people.models import Status, Volunteer
from vetserve.selection.models import Selection, SelectionCandidate, SelectionPost
from vetserve.selection.services import selection_create, selection_run

pytestmark = pytest.mark.django_db


def count(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def people(cast: Any, start: int, n: int) -> list[Volunteer]:
    result = []
    for i in range(start, start + n):
        person = register(
            cast.bob, cast.rescue_sub, name=f"张{i}", serial=100 + i, phone=f"1380000{i:04d}"
        )
        result.append(person)
    Volunteer.objects.filter(pk__in=[p.pk for p in result]).update(status=Status.ACTIVE)
    return result


def define(cast: Any) -> Selection:
    return selection_create(
        actor=cast.bob, organization=cast.chongli_fed, name="城市志愿者",
        pool_organization=cast.rescue_sub, posts=[{"name": "酒店", "quota": 1000}],
        weights={"hours": 40, "training": 20, "no_shows": 20, "party": 20}, reserve_size=0,
    )  # fmt: skip


def test_a_run_costs_the_same_queries_for_5_people_as_for_25(cast):
    people(cast, 0, 5)
    few = count(lambda: selection_run(actor=cast.bob, selection=define(cast)))
    people(cast, 5, 20)
    many = count(lambda: selection_run(actor=cast.bob, selection=define(cast)))
    assert many == few


def test_the_shortlist_page_and_api_cost_the_same_for_5_rows_as_for_25(client, cast):
    selection = define(cast)
    post = SelectionPost.objects.get(selection=selection)
    login(client, cast.bob)

    def add(rows: list[Volunteer], start: int) -> None:
        SelectionCandidate.objects.bulk_create(
            SelectionCandidate(
                selection=selection, volunteer=v, outcome="picked", post=post, rank=start + i + 1,
                score=Decimal(50), breakdown=[{"code": "hours", "raw": 1.0, "norm": 1.0,
                "weight": 40, "points": 40.0}],
            )
            for i, v in enumerate(rows)
        )  # fmt: skip

    Selection.objects.filter(pk=selection.pk).update(state="proposed", run_at=timezone.now())
    add(people(cast, 0, 5), 0)
    page = f"/selections/{selection.pk}/"
    api = f"/api/v1/selections/{selection.pk}/candidates"
    few_page, few_api = count(lambda: client.get(page)), count(lambda: client.get(api))
    add(people(cast, 5, 20), 5)
    assert "张24" in client.get(page).content.decode()
    assert count(lambda: client.get(page)) == few_page
    assert count(lambda: client.get(api)) == few_api


def test_the_list_of_selections_costs_the_same_for_5_as_for_25(client, cast):
    login(client, cast.bob)
    for _ in range(5):
        define(cast)
    few = count(lambda: client.get("/selections/"))
    for _ in range(20):
        define(cast)
    assert count(lambda: client.get("/selections/")) == few
