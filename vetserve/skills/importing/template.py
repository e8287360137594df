"""The empty qualification sheet to fill in, with its sheet of instructions."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vetserve.skills.importing.columns import BY_KEY
from vetserve.skills.models import QualificationType

_TEMPLATE_KEYS = (
    "name",
    "id_number",
    "badge",
    "type",
    "number",
    "issuer",
    "issued_on",
    "expires_on",
    "verified",
)
_TEXT_KEYS = ("id_number", "badge", "number")


def qualification_template() -> bytes:
    """An empty sheet to fill in: a title row, the header, number columns as text (so Excel
    keeps all 18 digits), the catalogue's types, and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Qualifications")
    sheet.cell(row=1, column=1, value=_("Volunteer qualifications (do not change the header row)"))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(_TEMPLATE_KEYS))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for index, key in enumerate(_TEMPLATE_KEYS, start=1):
        cell = sheet.cell(row=2, column=index, value=str(BY_KEY[key].label))
        cell.font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if key in (*_TEXT_KEYS, "type") else 14
        if key in _TEXT_KEYS:
            for row in range(3, 1003):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A3"
    notes = workbook.create_sheet(_("Instructions"))
    for line in _instructions():
        notes.append([line])
    notes.append([])
    notes.append([_("Qualification types"), _("Issued by"), _("Validity in days")])
    for qtype in QualificationType.objects.filter(is_active=True).order_by("code"):
        notes.append([qtype.name, qtype.issuing_body, qtype.validity_days or _("does not expire")])
    notes.column_dimensions["A"].width = 90
    notes.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions() -> list[str]:
    return [
        _("How to fill in the qualification sheet"),
        _(
            "1. One certificate per row, from row 3. The ID number (or the badge number) and "
            "the qualification are required; the name, if given, must match the record."
        ),
        _("2. Qualification: a type's name from the list below, such as 救护员证 or C1驾驶证."),
        _(
            "3. Valid until: empty means the type's usual validity from the issue date; write "
            "长期 for a certificate without end."
        ),
        _("4. Verified: 是 when someone compared it with the original, otherwise 否 or empty."),
        _(
            "5. The same volunteer, qualification and certificate number again updates the "
            "certificate instead of adding it twice."
        ),
    ]
