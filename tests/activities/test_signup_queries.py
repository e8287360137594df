"""A sign-up is one of the writes phones make most: its queries are counted (issue 14, single
writes ≤ 25 ms). The counts include the session, the user, the grants and the audit entry."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.activities.conftest import at
from tests.api.test_api import bearer
from tests.conftest import login
from vetserve.activities.models import SignUp
from vetserve.activities.services import shift_create, signup_create

PAGE_QUERIES = 15
API_QUERIES = 13


def _shifts_the_day_before(cast, activity, zhao):
    """Two shifts the volunteer is on the day before, near enough to be read for the limits
    and far enough apart to keep them (rest, hours a day)."""
    for post, start, end in (("早岗", 9, 11), ("晚岗", 20, 23)):
        other = shift_create(
            actor=cast.dave,
            activity=activity,
            post=post,
            starts_at=at(9, start),
            ends_at=at(9, end),
            min_people=1,
            wanted_people=1,
            max_people=1,
        )
        signup_create(actor=cast.erin, shift=other, volunteer=zhao)


def test_signing_up_on_the_page_takes_a_fixed_number_of_queries(
    cast, activity, shift, zhao, client
):
    login(client, cast.erin)
    with CaptureQueriesContext(connection) as queries:
        client.post(f"/activities/shifts/{shift.pk}/signup/")
    assert SignUp.objects.get(shift=shift, volunteer=zhao).state == "confirmed"
    assert len(queries) <= PAGE_QUERIES, [q["sql"][:120] for q in queries.captured_queries]


def test_signing_up_through_the_api_takes_as_many_queries_with_other_shifts_nearby(
    cast, activity, shift, zhao
):
    _shifts_the_day_before(cast, activity, zhao)
    api = bearer(cast.erin)
    api.get("/api/v1/me")  # the token's first use is written once; not part of a sign-up
    with CaptureQueriesContext(connection) as queries:
        created = api.post(f"/api/v1/activities/shifts/{shift.pk}/signup")
    assert created.status_code == 201, created.content
    assert len(queries) <= API_QUERIES, [q["sql"][:120] for q in queries.captured_queries]


def test_a_second_sign_up_for_the_same_shift_is_still_refused(cast, shift, zhao):
    api = bearer(cast.erin)
    assert api.post(f"/api/v1/activities/shifts/{shift.pk}/signup").status_code == 201
    again = api.post(f"/api/v1/activities/shifts/{shift.pk}/signup")
    assert again.status_code == 422
    assert SignUp.objects.filter(shift=shift, volunteer=zhao).count() == 1
