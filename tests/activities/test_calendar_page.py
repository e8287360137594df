"""The calendar is styled (issue 13): a month grid for a desktop and, for a phone, a list of
the days that have activities, both from the same scoped activities."""

from __future__ import annotations

from tests.activities.conftest import make_activity
from tests.conftest import login


def test_the_calendar_has_a_month_grid_and_a_list_of_busy_days(cast, client, activity):
    page = login(client, cast.bob).get("/activities/calendar/?month=2031-01")
    text = page.content.decode()
    assert 'class="calendar"' in text and 'class="calendar-list"' in text
    assert [d.isoformat() for d, _items in page.context["days"]] == ["2031-01-10"]
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
