"""The activity list's filters can be told apart without seeing them (issue 13: both selects
used to read only "全部" to a screen reader)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.conftest import login


def test_each_filter_select_on_the_activity_list_has_its_own_label(
    client: Client, cast: Any
) -> None:
    page = login(client, cast.bob).get("/activities/").content.decode()
    assert '<label for="id_status">状态' in page
    assert '<label for="id_category">类别' in page
    assert '<label for="id_q">' in page
