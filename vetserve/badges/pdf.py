"""The printable badge: one card (85.6 × 54 mm, ID-1) as a PDF, with a QR code to verify it, and
A4 sheets of ten such cards with cut marks for an office printer.

Drawn with reportlab and its built-in CID font STSong-Light, which every PDF reader renders in
Chinese without font files shipped or embedded. The card speaks the deployment's language
(LANGUAGE_CODE), not the language of whoever prints it: it is shown to the public.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from vetserve.badges.models import Badge

CJK = "STSong-Light"
LATIN = "Helvetica-Bold"
WIDTH, HEIGHT = 85.6 * mm, 54 * mm
MARGIN = 4 * mm
BAND = 11 * mm
QR_SIZE = 25 * mm  # ≥ 20 mm: phones scan it at arm's length
PHOTO_W, PHOTO_H = 18 * mm, 24 * mm
RED = HexColor("#b3261e")
GOLD = HexColor("#d4a017")
INK = HexColor("#1f1f1f")
GREY = HexColor("#5f6368")
# A4 sheet: two columns of five cards, edge to edge so one straight cut separates two cards;
# what is left of the page is an even margin carrying the cut marks.
SHEET_COLUMNS, SHEET_ROWS = 2, 5
SHEET_CARDS = SHEET_COLUMNS * SHEET_ROWS
CUT_MARK = 4 * mm


@lru_cache(maxsize=1)
def register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def fit_text(
    text: str, font: str, size: float, width: float, *, lines: int, min_size: float
) -> Any:
    """Wrap ``text`` character by character (Chinese has no spaces) into at most ``lines``
    lines of ``width``, shrinking the font down to ``min_size`` before cutting with "…"."""
    while True:
        wrapped: list[str] = [""]
        for char in text:
            if pdfmetrics.stringWidth(wrapped[-1] + char, font, size) > width:
                wrapped.append(char)
            else:
                wrapped[-1] += char
        if len(wrapped) <= lines or size <= min_size:
            break
        size -= 0.5
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        last = wrapped[-1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        wrapped[-1] = last + "…"
    return wrapped, size


def _photo(badge: Badge) -> ImageReader | None:
    """The volunteer's photo cropped to 3:4 at print resolution, or None (no photo, or a
    file that cannot be read: the card is still useful without it)."""
    field = badge.volunteer.photo
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            image: Image.Image = Image.open(handle)
            image.load()
    except (OSError, ValueError):
        return None
    image = ImageOps.exif_transpose(image).convert("RGB")
    image = ImageOps.fit(image, (300, 400), method=Image.Resampling.LANCZOS)
    return ImageReader(image)


def _qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value, barLevel="M", barBorder=2)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    drawing.drawOn(canvas, x, y)


def badge_pdf(badge: Badge, *, verify_url: str) -> bytes:
    """One page, card-sized, ready for a card printer or to cut out of A4."""
    register_fonts()
    volunteer = badge.volunteer
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setTitle(badge.number)
    canvas.setCreator("VetServe")
    with translation.override(settings.LANGUAGE_CODE):
        _draw(canvas, badge, volunteer, verify_url)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def badges_sheet_pdf(badges: Sequence[Badge], *, verify_url: Callable[[Badge], str]) -> bytes:
    """A4 pages of ten cards each (2 × 5), in the order given, with cut marks at the margins."""
    register_fonts()
    page_w, page_h = A4
    left = (page_w - SHEET_COLUMNS * WIDTH) / 2
    bottom = (page_h - SHEET_ROWS * HEIGHT) / 2
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setCreator("VetServe")
    with translation.override(settings.LANGUAGE_CODE):
        canvas.setTitle(_("Badge cards"))
        for start in range(0, len(badges), SHEET_CARDS):
            for i, badge in enumerate(badges[start : start + SHEET_CARDS]):
                column, row = i % SHEET_COLUMNS, i // SHEET_COLUMNS
                x = left + column * WIDTH
                y = bottom + (SHEET_ROWS - 1 - row) * HEIGHT
                canvas.saveState()
                canvas.translate(x, y)
                _draw(canvas, badge, badge.volunteer, verify_url(badge))
                canvas.restoreState()
            _cut_marks(canvas, left, bottom)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cut_marks(canvas: Canvas, left: float, bottom: float) -> None:
    """Short lines in the margins where each cut runs; nothing is drawn over the cards."""
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.3)
    right = left + SHEET_COLUMNS * WIDTH
    top = bottom + SHEET_ROWS * HEIGHT
    for column in range(SHEET_COLUMNS + 1):
        x = left + column * WIDTH
        canvas.line(x, top + 1 * mm, x, top + 1 * mm + CUT_MARK)
        canvas.line(x, bottom - 1 * mm, x, bottom - 1 * mm - CUT_MARK)
    for row in range(SHEET_ROWS + 1):
        y = bottom + row * HEIGHT
        canvas.line(left - 1 * mm, y, left - 1 * mm - CUT_MARK, y)
        canvas.line(right + 1 * mm, y, right + 1 * mm + CUT_MARK, y)


def _draw(canvas: Canvas, badge: Badge, volunteer: Any, verify_url: str) -> None:
    # Title band.
    canvas.setFillColor(RED)
    canvas.rect(0, HEIGHT - BAND, WIDTH, BAND, stroke=0, fill=1)
    canvas.setFillColor(GOLD)
    canvas.rect(0, HEIGHT - BAND - 0.8 * mm, WIDTH, 0.8 * mm, stroke=0, fill=1)
    canvas.setFillColor(white)
    title, size = fit_text(
        str(settings.CORPS_NAME), CJK, 14, WIDTH - 2 * MARGIN, lines=1, min_size=9
    )
    canvas.setFont(CJK, size)
    canvas.drawCentredString(WIDTH / 2, HEIGHT - BAND / 2 - size * 0.35, title[0])

    top = HEIGHT - BAND - 0.8 * mm - 3.5 * mm  # top edge of the body
    qr_x = WIDTH - MARGIN + 1 * mm - QR_SIZE
    qr_y = top - QR_SIZE + 1 * mm
    _qr(canvas, verify_url, qr_x, qr_y, QR_SIZE)
    canvas.setFillColor(GREY)
    canvas.setFont(CJK, 6)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 1.5 * mm, _("Scan to verify"))

    # The photo, or an empty box of the same size to glue a print of one into.
    photo = _photo(badge)
    if photo is not None:
        canvas.drawImage(photo, MARGIN, top - PHOTO_H, PHOTO_W, PHOTO_H)
    else:
        canvas.setFillColor(GREY)
        canvas.setFont(CJK, 6)
        canvas.drawCentredString(MARGIN + PHOTO_W / 2, top - PHOTO_H / 2 - 1 * mm, _("Photo"))
    canvas.setStrokeColor(Color(0, 0, 0, alpha=0.25 if photo is not None else 0.5))
    canvas.setLineWidth(0.3)
    canvas.rect(MARGIN, top - PHOTO_H, PHOTO_W, PHOTO_H, stroke=1, fill=0)
    left = MARGIN + PHOTO_W + 3 * mm
    column = qr_x - 2 * mm - left

    # Name, large; then organization, number and date with small labels.
    y = top - 5.5 * mm
    name, size = fit_text(volunteer.name, CJK, 16, column, lines=1, min_size=10)
    canvas.setFillColor(INK)
    canvas.setFont(CJK, size)
    canvas.drawString(left, y, name[0])

    y -= 6 * mm
    org_lines, size = fit_text(volunteer.home_org.name, CJK, 7.5, column, lines=2, min_size=6)
    canvas.setFont(CJK, size)
    for line in org_lines:
        canvas.drawString(left, y, line)
        y -= size * 1.25

    # Number and date sit at fixed heights near the bottom, clear of a two-line organization.
    _labelled(canvas, left, 11.8 * mm, _("Badge number"), badge.number, LATIN, 9, column)
    date_text = date_format(badge.issued_on, "DATE_FORMAT")
    _labelled(canvas, left, 4.6 * mm, _("Issued on"), date_text, CJK, 7.5, column)

    # A thin red rule closes the card at the bottom.
    canvas.setFillColor(RED)
    canvas.rect(0, 0, WIDTH, 2 * mm, stroke=0, fill=1)


def _labelled(
    canvas: Canvas, x: float, y: float, label: str, value: str, font: str, size: float, width: float
) -> None:
    """A small grey label above its value, the value shrunk to fit the column."""
    canvas.setFillColor(GREY)
    canvas.setFont(CJK, 5.5)
    canvas.drawString(x, y + size * 0.26 * mm + 1.0 * mm, label)
    while pdfmetrics.stringWidth(value, font, size) > width and size > 6:
        size -= 0.5
    canvas.setFillColor(INK)
    canvas.setFont(font, size)
    canvas.drawString(x, y, value)
