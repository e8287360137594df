"""The calendar is styled (issue 13): a month grid for a desktop and, for a phone, a list of
the days that have activities, both from the same scoped activities."""

from __future__ import annotations

from tests.activities.conftest import make_activity
from tests.conftest import login


def test_the_calendar_has_a_month_grid_and_a_list_of_busy_days(cast, client, activity):
    page = login(client, cast.bob).get("/activities/calendar/?month=2031-01")
    text = page.content.decode()
    assert 'class="calendar"' in text and 'class="calendar-list"' in text
    assert [d.isoformat() for d, *_rest in page.context["days"]] == ["2031-01-10"]
    assert "2031-01-10" in text and text.count(f">{activity.title}</a>") == 2  # grid and list


def test_the_calendar_list_holds_only_activities_the_viewer_may_see(cast, client, activity):
    make_activity(cast, publish=False, title="草稿演练")
    page = login(client, cast.carol).get("/activities/calendar/?month=2031-01")
    assert page.context["days"] == []
    assert activity.title not in page.content.decode()


def test_the_stylesheet_turns_the_grid_into_a_list_on_a_phone(client):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("vetserve/app.css")).read_text(encoding="utf-8")
    phone = css[css.index("the activity calendar") :]
    assert ".calendar-list {\n  display: none;" in phone
    assert "@media (max-width: 40rem)" in phone and ".calendar-wrap {\n    display: none;" in phone


def test_a_busy_day_shows_its_first_activities_and_links_to_the_rest(cast, client, activity):
    """A day shows at most CALENDAR_DAY_ROWS activities (grid and list alike) and a link to
    that day's list, which holds them all and nothing of another day or another county."""
    from tests.activities.conftest import at
    from vetserve.activities.views.activities import CALENDAR_DAY_ROWS

    for n in range(CALENDAR_DAY_ROWS + 1):  # six on the 10th with the fixture's
        make_activity(cast, title=f"清雪{n}", starts_at=at(10, 7 + n), ends_at=at(10, 9 + n))
    make_activity(cast, title="次日巡逻", starts_at=at(11, 8), ends_at=at(11, 10))
    bob = login(client, cast.bob)
    page = bob.get("/activities/calendar/?month=2031-01")
    text = page.content.decode()
    (_day, shown, more, iso), (_next, next_shown, next_more, _iso) = page.context["days"]
    assert (len(shown), more, iso) == (CALENDAR_DAY_ROWS, 2, "2031-01-10")
    assert ([a.title for a in next_shown], next_more) == (["次日巡逻"], 0)
    assert text.count("还有 2 项") == 2  # grid and list
    assert text.count("day=2031-01-10") == 2
    listed = bob.get("/activities/?day=2031-01-10").context["activities"]
    assert len(listed) == CALENDAR_DAY_ROWS + 2 and "次日巡逻" not in {a.title for a in listed}
    assert (
        list(login(client, cast.carol).get("/activities/?day=2031-01-10").context["activities"])
        == []
    )
    bad = bob.get("/activities/?day=1800-01-01")  # out of bounds: the filter is ignored
    assert bad.status_code == 200
