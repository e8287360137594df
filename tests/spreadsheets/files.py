"""Messy roster files as offices make them, built in memory for the tests."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import xlwt
from openpyxl import Workbook

from vetserve.people.fakes import fictitious_id_number


def an_id(code: str = "130709", *, year: int = 1975, serial: int = 1, male: bool = True) -> str:
    return fictitious_id_number(
        address_code=code, birth_date=date(year, 3, 15), male=male, serial=serial
    )


def full_width(text: str) -> str:
    """１３９… as typed with a Chinese input method in full-width mode."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text
    )


def xlsx(rows: list[list[Any]], *, title: str | None = "张家口市退役军人志愿者花名册") -> bytes:
    """A workbook with a merged title row above the header, as offices make them."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    width = max(len(r) for r in rows)
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.append(["填报单位：崇礼区", None, None, "填报日期：2022年1月"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls(rows: list[list[Any]], *, title: str = "张北县退役军人志愿者登记表") -> bytes:
    """An Excel 97 (.xls) workbook, as old office PCs and WPS still save."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名册")
    width = max(len(r) for r in rows)
    sheet.write_merge(0, 0, 0, width - 1, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], *, encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)
