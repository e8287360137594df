"""Hostile office files are refused before the reader builds them, each naming its limit.

The dangerous reproductions run against the inspection only, or in a child process with a
memory limit, so that a regression cannot take the test run down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from django.utils import translation

from tests.spreadsheets import hostile
from tests.spreadsheets.files import csv_bytes, xls, xlsx
from vetserve.spreadsheets import limits
from vetserve.spreadsheets.inspection import FileTooLarge, UnreadableFile, inspect_file
from vetserve.spreadsheets.readers import read_tables, sniff


@pytest.fixture(autouse=True)
def in_english():
    # The messages' English source, so that the tests read as the code does (the pages'
    # tests check the Chinese).
    with translation.override("en"):
        yield


def refusal(data: bytes) -> str:
    with pytest.raises(FileTooLarge) as refused:
        read_tables(data)
    return str(refused.value)


def test_a_tiny_xlsx_declaring_its_extent_to_xfd1048576_is_refused_naming_the_limit():
    data = hostile.declared_dimension_bomb()
    assert len(data) < 2048
    assert "at most 200 columns and 200,000 rows" in refusal(data)
    assert "declares" in refusal(data)


def test_a_tiny_xlsx_with_a_cell_at_xfd1048576_is_refused_before_the_reader_lays_out_the_grid():
    data = hostile.far_cell_bomb()
    assert len(data) < 2048
    assert "has cells beyond the limit: at most 200 columns" in refusal(data)


def test_reading_a_cell_at_xfd1048576_stays_within_300_mb_in_a_worker():
    """The reproduction of the crash: the reader alone allocated hundreds of GiB and aborted
    the process. Run in a child limited to 300 MB of address space beyond its start."""
    script = textwrap.dedent(
        """
        import resource, sys
        import django
        django.setup()
        from tests.spreadsheets import hostile
        from vetserve.spreadsheets.readers import UnreadableFile, read_tables
        data = hostile.far_cell_bomb()
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * resource.getpagesize()
        limit = used + 300 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            read_tables(data)
        except UnreadableFile as exc:
            print("refused:", exc)
        else:
            print("read")
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vetserve.settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("refused:")


def test_a_9_kb_shared_string_bomb_is_refused_before_it_expands(monkeypatch):
    data = hostile.shared_string_bomb()
    assert len(data) < 12 * 1024
    assert "grows more than 100 times when unpacked" in refusal(data)
    # Past the compression ratio, the string itself is longer than a cell may hold.
    monkeypatch.setattr(limits, "MAX_COMPRESSION_RATIO", 10**6)
    assert "at most 32,767 characters" in refusal(data)


def test_a_shared_string_used_too_often_is_refused_for_the_text_of_all_cells():
    data = hostile.shared_string_reuse()
    assert "characters in all cells together" in refusal(data)


def test_a_shared_string_longer_than_a_cell_may_hold_is_refused():
    assert "at most 32,767 characters" in refusal(hostile.long_shared_string())


def test_a_shared_string_table_declaring_a_trillion_strings_is_refused():
    assert "distinct texts than the limit" in refusal(hostile.unique_count_bomb())


def test_shared_strings_nested_100000_deep_are_refused():
    assert "nested deeper than the limit" in refusal(hostile.deep_shared_strings())


def test_a_zip_bomb_is_refused_for_its_compression_ratio():
    data = hostile.zip_bomb(megabytes=20)
    assert "more than 100 times" in refusal(data)


def test_a_workbook_unpacking_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 10 * 1024)
    assert "unpacks to more than the limit" in refusal(xlsx([["姓名", "身份证号"]] * 200))


def test_cells_without_positions_are_placed_one_column_further_each_as_the_reader_does():
    assert "has cells beyond the limit" in refusal(hostile.implicit_column_bomb(columns=300))
    read_tables(hostile.implicit_column_bomb(columns=150))


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="A1" r="XFD1"><v>1</v></c>',  # a second position: the reader takes the last
        "<c r='XFD1'><v>1</v></c>",
        '<x:c xmlns:x="urn:x" r="XFD1"><v>1</v></x:c>',
        '<c t="n" r="XFD1"><v>1</v></c>',
        '<c\tr="XFD1"><v>1</v></c>',
    ],
)
def test_a_far_cell_written_an_unusual_way_is_found_too(cell):
    assert "has cells beyond the limit" in refusal(hostile.workbook(f'<row r="1">{cell}</row>'))


def test_a_workbook_with_more_sheets_than_the_limit_is_refused():
    assert "at most 100" in refusal(hostile.many_sheets(101))


def test_an_ods_or_xlsb_in_a_zip_is_refused_rather_than_read_another_way():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(UnreadableFile, match="not an Excel or WPS workbook"):
        inspect_file(buffer.getvalue(), "xlsx")


def test_a_csv_with_a_million_columns_is_refused_naming_the_limit():
    assert "more columns than the limit: at most 200" in refusal(hostile.wide_csv())


def test_a_csv_field_longer_than_131072_characters_is_refused_not_a_crash():
    assert "at most 32,767 characters" in refusal(hostile.long_field_csv())


def test_a_csv_with_more_rows_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 50)
    data = csv_bytes([["姓名", "手机"]] + [["王", "139"]] * 60, encoding="utf-8")
    assert "more rows than the limit: at most 50" in refusal(data)


def test_an_xls_with_a_cell_at_the_last_column_is_refused():
    data = hostile.xls_far_cell()
    assert sniff(data) == "xls"
    assert "at most 200 columns and 200,000 rows" in refusal(data)


def test_an_xls_whose_cells_span_more_than_the_cell_limit_is_refused():
    assert "at most 6,000,000 cells" in refusal(hostile.xls_far_cell(65_535, 150))


def test_an_xls_declaring_four_billion_rows_is_refused_before_the_reader_reserves_them():
    data = hostile.xls_declared_dimension_bomb()
    with pytest.raises(FileTooLarge, match="declares a table larger"):
        inspect_file(data, "xls")


def test_a_file_larger_than_20_mb_is_refused():
    with pytest.raises(FileTooLarge, match="at most 20 MB"):
        inspect_file(b"x" * (limits.MAX_FILE_BYTES + 1), "csv")


def test_the_limits_leave_room_for_a_provinces_roster_of_100000_rows_by_40_columns():
    assert limits.MAX_ROWS >= 100_001 and limits.MAX_COLUMNS >= 40
    assert limits.MAX_CELLS >= 100_001 * 40


def test_real_rosters_in_every_format_pass_and_read_as_before():
    rows = [["姓名", "身份证号", "手机"]] + [
        [f"王{i}", f"13070919750315{i:04d}", "139"] for i in range(300)
    ]
    for data in (xlsx(rows), xls(rows), csv_bytes(rows, encoding="gb18030")):
        (table,) = read_tables(data)
        assert ["王299", "130709197503150299", "139"] in [row[:3] for row in table.rows]
    wide = hostile.roster_xlsx(2_000, columns=40)
    (table,) = read_tables(wide)
    assert len(table.rows) == 2_001 and len(table.rows[0]) == 40
