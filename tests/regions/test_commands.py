from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from vetserve.regions.models import Region
from vetserve.regions.services import DIVISIONS_CSV


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def test_load_regions_is_safe_to_rerun(db):
    # The test database starts with the bundled divisions loaded (conftest).
    assert load() == "Regions: 0 created, 0 updated, 267 unchanged.\n"
    assert Region.objects.count() == 267


def test_load_regions_reads_another_file_and_updates_what_changed(db, tmp_path):
    rows = DIVISIONS_CSV.read_text(encoding="utf-8").replace(",崇礼区,", ",崇礼区(改),")
    rows += "130709100201,东沟村,village,130709100,,\n"
    path = tmp_path / "divisions.csv"
    path.write_text(rows, encoding="utf-8-sig")
    assert load("--file", str(path)) == "Regions: 1 created, 1 updated, 266 unchanged.\n"
    assert Region.objects.get(code="130709").name == "崇礼区(改)"
    assert Region.objects.get(code="130709100201").parent.name == "西湾子镇"


def test_load_regions_explains_a_bad_file_and_changes_nothing(db, tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(CommandError, match="No such file"):
        load("--file", str(missing))
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level,parent_code\n1307091,坏,township,130709\n", encoding="utf-8")
    with pytest.raises(CommandError, match="9 digits"), translation.override("en"):
        load("--file", str(bad))
    assert not Region.objects.filter(name="坏").exists()
