"""Forms of the exchange pages: an export (format, selection, masked or full numbers with a
reason), an import (the file and the receiving organization), and a statement's year."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import DATES
from vetserve.exchange.fileformat import FORMATS
from vetserve.ledger.models import YEARS

MASKED, FULL = "masked", "full"
REASON_MAX = 200
# The largest exchange file accepted by the page (a county's season is about 6 MB as CSV).
UPLOAD_MAX_BYTES = 50 * 1024 * 1024


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=[(f, f.upper()) for f in FORMATS], initial="csv"
    )
    organization = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    volunteer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    year = forms.IntegerField(
        label=_("Year (empty: all years)"),
        required=False,
        min_value=YEARS.low,
        max_value=YEARS.high,
    )
    values = forms.ChoiceField(
        label=_("ID and phone numbers"),
        choices=[(MASKED, _("Masked")), (FULL, _("In full (for a hand-over)"))],
        initial=MASKED,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why do you need full numbers?"), required=False, max_length=REASON_MAX
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Exchange file (.csv or .json)"),
        help_text=_("A file of the exchange format, version 1 (docs/exchange.md)."),
    )
    organization = forms.TypedChoiceField(label=_("Receiving organization"), coerce=int)

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".json")):
            raise forms.ValidationError(_("Choose a .csv or .json file of the exchange format."))
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file may be at most 50 MB."))
        return upload


class CommitForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)


class StatementForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=DATES.low.year, max_value=DATES.high.year)
    format = forms.ChoiceField(
        choices=[("", ""), ("pdf", "PDF"), ("xlsx", "Excel")], required=False
    )
