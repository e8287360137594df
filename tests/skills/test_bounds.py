"""The qualification import refuses dates outside 1900–2099 with the limits named, before the
database's CHECK would (issue 12, bounds everywhere)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from tests.skills.test_importing import HEADER, ID_WANG, check
from tests.spreadsheets.files import xlsx
from vetserve.skills.importing import REFUSED
from vetserve.skills.models import Qualification


@pytest.fixture(autouse=True)
def chinese() -> Any:
    """The messages are checked in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def test_the_qualification_import_refuses_an_expiry_in_2150_naming_the_limits(cast, wang):
    data = xlsx(
        [
            HEADER,
            [1, "王建国", ID_WANG, "救护员证", "A1", "", "2021-10-15", "2150-01-01", "", ""],
            [2, "王建国", ID_WANG, "救护员证", "A2", "", "1850-10-15", "", "", ""],
            [3, "王建国", ID_WANG, "救护员证", "A3", "", "2021-10-15", "2099-12-31", "", ""],
        ]
    )
    report = check(cast.bob, data)
    errors = {r.row_number: " ".join(r.errors) for r in report.rows if r.action == REFUSED}
    limits = "请填写 1900-01-01 至 2099-12-31 之间的值。"
    assert errors == {
        4: f"有效期：{limits}",
        5: f"发证日期：{limits}",
    }  # file rows, after the header
    assert not Qualification.objects.exists()  # a preview writes nothing
