"""The proof of service as an A4 PDF, signed (PAdES) with the deployment's own key.

Drawn with reportlab and its built-in CID font STSong-Light (as the badges are), which every PDF
reader renders in Chinese without a font file. The QR code (segno) leads to the public check with
a signed token. The signature (pyHanko, PAdES baseline B) covers the whole document: a reader
shows it intact, or that the document was changed after signing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from vetserve.badges.pdf import CJK, fit_text, register_fonts
from vetserve.core.templatetags.figures import hours_from_minutes
from vetserve.proofs.keys import signer
from vetserve.proofs.models import Proof

PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
QR_SIZE = 32 * mm
RED = HexColor("#b3261e")
GREY = HexColor("#5f6368")
INK = HexColor("#1f1f1f")
LINE_H = 6.2 * mm
NUMBER_FONT = "Courier-Bold"


@dataclass(frozen=True)
class Holder:
    """What the proof says about the person: name, the masked ID and the year of birth only
    (ADR 0004: beside a masked number, nothing that narrows it further)."""

    name: str
    id_masked: str
    birth_year: int | None


def proof_pdf(proof: Proof, *, holder: Holder, verify_url: str, period: str) -> bytes:
    """The signed PDF of ``proof``."""
    return sign_pdf(draw_pdf(proof, holder=holder, verify_url=verify_url, period=period))


def draw_pdf(proof: Proof, *, holder: Holder, verify_url: str, period: str) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setCreator("VetServe")
    canvas.setTitle(proof.number)
    with translation.override(settings.LANGUAGE_CODE):
        _draw(canvas, proof, holder, verify_url, period)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def sign_pdf(data: bytes) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        meta = signers.PdfSignatureMetadata(
            field_name="VetServeProof",
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=_("Proof of service"),
            name=str(settings.CORPS_NAME),
        )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    out = signers.sign_pdf(writer, meta, signer=signer())
    return out.getvalue()


def _qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """The QR code as filled squares (vector: sharp at any print size)."""
    code = segno.make(value, error="m", micro=False)
    matrix = list(code.matrix)
    border = 2
    cells = len(matrix) + 2 * border
    cell = size / cells
    canvas.setFillColor(black)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                canvas.rect(
                    x + (col + border) * cell,
                    y + size - (row + border + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )


# Latin runs (numbers, the badge number, the masked ID) are not split; closing punctuation
# never starts a line (the rule of Chinese typesetting).
_TOKENS = re.compile(r"[A-Za-z0-9*\-.:/]+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』】,.;:)!?")


def _wrap(text: str, size: float, width: float, font: str = CJK) -> list[str]:
    tokens: list[str] = []
    for token in _TOKENS.findall(text):
        if tokens and token in _NO_LINE_START:
            tokens[-1] += token
        else:
            tokens.append(token)
    lines: list[str] = [""]
    for token in tokens:
        if lines[-1] and pdfmetrics.stringWidth(lines[-1] + token, font, size) > width:
            lines.append(token)
        else:
            lines[-1] += token
    return lines


def _draw(canvas: Canvas, proof: Proof, holder: Holder, verify_url: str, period: str) -> None:
    width = PAGE_W - 2 * MARGIN
    top = PAGE_H - MARGIN
    canvas.setFillColor(RED)
    canvas.rect(MARGIN, top - 1.2 * mm, width, 1.2 * mm, stroke=0, fill=1)
    canvas.setFillColor(INK)
    canvas.setFont(CJK, 11)
    corps, size = fit_text(str(settings.CORPS_NAME), CJK, 11, width, lines=1, min_size=8)
    canvas.setFont(CJK, size)
    canvas.drawCentredString(PAGE_W / 2, top - 9 * mm, corps[0])
    canvas.setFont(CJK, 24)
    canvas.drawCentredString(PAGE_W / 2, top - 22 * mm, _("Proof of volunteer service"))
    canvas.setFillColor(GREY)
    canvas.setFont(NUMBER_FONT, 11)
    canvas.drawRightString(PAGE_W - MARGIN, top - 30 * mm, proof.number)
    canvas.setFont(CJK, 10)
    label = _("Proof number: %(number)s") % {"number": ""}
    number_w = pdfmetrics.stringWidth(proof.number, NUMBER_FONT, 11)
    canvas.drawRightString(PAGE_W - MARGIN - number_w - 1 * mm, top - 30 * mm, label.strip())

    # The statement, as the rule asks it worded: who, what period, how many hours, whose record.
    y = top - 42 * mm
    born = _("born %(year)s") % {"year": holder.birth_year} if holder.birth_year else ""
    identity = "，".join(
        p for p in (holder.id_masked and _("ID %(id)s") % {"id": holder.id_masked}, born) if p
    )
    statement = _(
        "This is to certify that %(name)s (%(identity)s), volunteer number %(number)s, "
        "served as a volunteer in activities organized by %(unit)s %(period)s, for a total of "
        "%(hours)s hours of service (of which %(confirmed)s hours confirmed by the unit), in "
        "%(entries)s service records."
    ) % {
        "name": holder.name,
        "identity": identity,
        "number": proof.badge_number or "—",
        "unit": proof.unit_name,
        "period": period,
        "hours": proof.hours,
        "confirmed": proof.confirmed_hours,
        "entries": proof.entries,
    }
    canvas.setFillColor(INK)
    canvas.setFont(CJK, 13)
    for line in _wrap("　　" + statement, 13, width):
        canvas.drawString(MARGIN, y, line)
        y -= 8 * mm

    # Hours per activity.
    y -= 4 * mm
    col_hours = MARGIN + width - 45 * mm
    col_count = MARGIN + width
    canvas.setFont(CJK, 10.5)
    canvas.setFillColor(GREY)
    canvas.drawString(MARGIN, y, _("Activity"))
    canvas.drawRightString(col_hours, y, _("Hours"))
    canvas.drawRightString(col_count, y, _("Records"))
    y -= 2 * mm
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y, MARGIN + width, y)
    y -= LINE_H - 1 * mm
    canvas.setFillColor(INK)
    # Room below the table for the content, the unit block and the QR code.
    bottom_of_table = MARGIN + 14 * mm + QR_SIZE + 50 * mm
    for label, minutes, count in proof.lines:
        if y < bottom_of_table:
            break
        name, size = fit_text(str(label), CJK, 10.5, width - 70 * mm, lines=1, min_size=8)
        canvas.setFont(CJK, size)
        canvas.drawString(MARGIN, y, name[0])
        canvas.setFont(CJK, 10.5)
        canvas.drawRightString(col_hours, y, hours_from_minutes(minutes))
        canvas.drawRightString(col_count, y, str(count))
        y -= LINE_H
    canvas.line(MARGIN, y + LINE_H - 2 * mm, MARGIN + width, y + LINE_H - 2 * mm)
    canvas.setFont(CJK, 10.5)
    canvas.drawString(MARGIN, y - 1 * mm, _("Total"))
    canvas.drawRightString(col_hours, y - 1 * mm, proof.hours)
    canvas.drawRightString(col_count, y - 1 * mm, str(proof.entries))
    y -= 10 * mm

    if proof.content:
        canvas.setFont(CJK, 11)
        for line in _wrap(
            _("Service content: %(content)s") % {"content": proof.content}, 11, width
        ):
            canvas.drawString(MARGIN, y, line)
            y -= 6.5 * mm

    # The recording unit and its person in charge (谁记录谁证明), the date of issue.
    y -= 6 * mm
    canvas.setFont(CJK, 12)
    canvas.drawString(MARGIN, y, _("Recording unit: %(unit)s") % {"unit": proof.unit_name})
    y -= 8 * mm
    person = proof.person_in_charge or "—"
    canvas.drawString(MARGIN, y, _("Person in charge: %(person)s") % {"person": person})
    y -= 8 * mm
    issued: datetime = proof.issued_at
    issued_on = date_format(timezone.localtime(issued), "DATE_FORMAT")
    canvas.drawString(MARGIN, y, _("Issued on: %(date)s") % {"date": issued_on})

    # The QR code to the public check, bottom right, and what the signature means.
    qr_x = PAGE_W - MARGIN - QR_SIZE
    qr_y = MARGIN + 14 * mm
    _qr(canvas, verify_url, qr_x, qr_y, QR_SIZE)
    canvas.setFont(CJK, 9)
    canvas.setFillColor(GREY)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 4 * mm, _("Scan to verify"))
    notes = [
        _(
            "Service hours are actual time served, travel excluded (volunteer-record rule, Art 7). "
            "This proof is free of charge and can be checked through the system with its QR code."
        ),
        _(
            "This document is digitally signed by the issuing system; a PDF reader shows whether "
            "it was changed after signing."
        ),
    ]
    y = MARGIN + 8 * mm
    canvas.setFont(CJK, 8.5)
    for note in notes:
        for line in _wrap(note, 8.5, qr_x - MARGIN - 6 * mm):
            canvas.drawString(MARGIN, y, line)
            y -= 4.5 * mm
    canvas.setFillColor(RED)
    canvas.rect(MARGIN, MARGIN - 4 * mm, width, 1.2 * mm, stroke=0, fill=1)
