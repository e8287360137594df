from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import DATES
from vetserve.core.forms import DateInput


class ScanAuditFilterForm(forms.Form):
    """The check-ins and check-outs of the audit log, by day of the scan."""

    date_from = forms.DateField(
        label=_("From date"),
        required=False,
        widget=DateInput(),
        validators=[DATES.validator()],
    )
    date_to = forms.DateField(
        label=_("Until date"),
        required=False,
        widget=DateInput(),
        validators=[DATES.validator()],
    )
