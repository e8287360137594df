"""The dashboard's choices, all in the URL: the region, the period (a year or a month) and the
figure the map is shaded by."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

FIGURE_CHOICES = [
    ("hours", _("Service hours")),
    ("records", _("Service records")),
    ("active", _("Active volunteers")),
]


class DashboardForm(forms.Form):
    # An official code (130709, 130709100), as in every list's URL.
    region = forms.RegexField(regex=r"^\d{6}(\d{3})?$", required=False, widget=forms.HiddenInput)
    period = forms.RegexField(
        label=_("Period"),
        regex=r"^20\d\d(-(0[1-9]|1[0-2]))?$",
        required=False,
        max_length=7,
        error_messages={"invalid": _("Enter a year (2022) or a month (2022-02).")},
        widget=forms.TextInput(attrs={"placeholder": "2022 / 2022-02", "inputmode": "numeric"}),
    )
    figure = forms.ChoiceField(label=_("Map shows"), required=False, choices=FIGURE_CHOICES)
