"""A volunteer's yearly statement of service hours, as an A4 PDF in the look of the proof of
service (reportlab's built-in Chinese font STSong-Light through ``badges.pdf``) and as an
Excel workbook (``spreadsheets.writers``). Not signed and not a proof: the proof of service
is the document that certifies (办法 Art 14–17); this is a volunteer's own summary."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from vetserve.badges.pdf import CJK, fit_text, register_fonts
from vetserve.core.templatetags.figures import hours_from_minutes
from vetserve.exchange.selectors import Statement
from vetserve.spreadsheets.writers import neutralize, xlsx_sheets_bytes

PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
RED = HexColor("#b3261e")
GREY = HexColor("#5f6368")
INK = HexColor("#1f1f1f")
LINE_H = 6.4 * mm


def month_label(month: int) -> str:
    return _("Month %(m)s") % {"m": month}


def statement_pdf(statement: Statement) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setCreator("VetServe")
    with translation.override(settings.LANGUAGE_CODE):
        canvas.setTitle(_("Yearly statement of service hours"))
        _draw(canvas, statement)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _table(canvas: Canvas, y: float, title: str, rows: list[tuple[str, int]], total: int) -> float:
    width = PAGE_W - 2 * MARGIN
    col = MARGIN + width
    canvas.setFillColor(INK)
    canvas.setFont(CJK, 12.5)
    canvas.drawString(MARGIN, y, title)
    y -= 3 * mm
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y, col, y)
    y -= LINE_H - 1.5 * mm
    for label, minutes in rows:
        text, size = fit_text(label, CJK, 10.5, width - 40 * mm, lines=1, min_size=7)
        canvas.setFont(CJK, size)
        canvas.drawString(MARGIN, y, text[0])
        canvas.setFont(CJK, 10.5)
        canvas.drawRightString(col, y, hours_from_minutes(minutes))
        y -= LINE_H - 1 * mm
    canvas.line(MARGIN, y + LINE_H - 3 * mm, col, y + LINE_H - 3 * mm)
    canvas.setFont(CJK, 10.5)
    canvas.drawString(MARGIN, y - 1 * mm, _("Total"))
    canvas.drawRightString(col, y - 1 * mm, hours_from_minutes(total))
    return y - 10 * mm


def _draw(canvas: Canvas, statement: Statement) -> None:
    width = PAGE_W - 2 * MARGIN
    top = PAGE_H - MARGIN
    canvas.setFillColor(RED)
    canvas.rect(MARGIN, top - 1.2 * mm, width, 1.2 * mm, stroke=0, fill=1)
    canvas.setFillColor(INK)
    corps, size = fit_text(str(settings.CORPS_NAME), CJK, 11, width, lines=1, min_size=8)
    canvas.setFont(CJK, size)
    canvas.drawCentredString(PAGE_W / 2, top - 9 * mm, corps[0])
    canvas.setFont(CJK, 20)
    canvas.drawCentredString(
        PAGE_W / 2,
        top - 21 * mm,
        _("Service hours of %(year)s") % {"year": statement.year},
    )
    volunteer = statement.volunteer
    canvas.setFont(CJK, 12)
    canvas.drawString(
        MARGIN,
        top - 33 * mm,
        _("%(name)s (ID %(id)s)") % {"name": volunteer.name, "id": volunteer.id_number_masked},
    )
    canvas.setFillColor(GREY)
    canvas.setFont(CJK, 10.5)
    canvas.drawString(
        MARGIN,
        top - 40 * mm,
        _("%(hours)s hours in %(records)s records, of which %(confirmed)s hours confirmed.")
        % {
            "hours": hours_from_minutes(statement.total),
            "records": statement.records,
            "confirmed": hours_from_minutes(statement.confirmed),
        },
    )
    y = top - 52 * mm
    months = [(month_label(m), n) for m, n in statement.by_month.items()]
    y = _table(canvas, y, _("By month"), months, statement.total)
    y = _table(canvas, y, _("By category"), statement.by_category, statement.total)
    if y > MARGIN + 40 * mm and statement.units:
        _table(canvas, y, _("By recording unit"), statement.units[:8], statement.total)
    note = _(
        "Hours as the ledger holds them on %(date)s; corrections included. Service hours are "
        "actual time served, travel excluded. This summary is no proof of service."
    ) % {"date": date_format(timezone.localdate(), "DATE_FORMAT")}
    lines, size = fit_text(note, CJK, 8.5, width, lines=2, min_size=7)
    canvas.setFont(CJK, size)
    canvas.setFillColor(GREY)
    for index, line in enumerate(lines):
        canvas.drawString(MARGIN, MARGIN + 6 * mm - index * 4.2 * mm, line)
    canvas.setFillColor(RED)
    canvas.rect(MARGIN, MARGIN - 4 * mm, width, 1.2 * mm, stroke=0, fill=1)


def statement_xlsx(statement: Statement) -> bytes:
    """Three sheets: by month, by category, by recording unit; hours to a tenth and minutes."""
    titles = [_("Period"), _("Hours"), _("Minutes")]

    def lines(rows: list[tuple[str, int]]) -> list[list[str]]:
        body = [[neutralize(label), hours_from_minutes(n), str(n)] for label, n in rows]
        return [*body, [_("Total"), hours_from_minutes(statement.total), str(statement.total)]]

    months = [(month_label(m), n) for m, n in statement.by_month.items()]
    return xlsx_sheets_bytes(
        [
            (_("By month"), titles, lines(months)),
            (_("By category"), [_("Category"), *titles[1:]], lines(statement.by_category)),
            (_("By recording unit"), [_("Recording unit"), *titles[1:]], lines(statement.units)),
        ]
    )
