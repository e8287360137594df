from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import DATES


class DateInput(forms.DateInput):
    input_type = "date"


class IssueForm(forms.Form):
    volunteer = forms.IntegerField(widget=forms.HiddenInput)
    issued_on = forms.DateField(
        label=_("Issued on"), widget=DateInput, required=False, validators=[DATES.validator()]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["issued_on"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For example: left the corps, issued in error."),
    )


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("For example: worn out, photo changed."),
    )
    lost = forms.BooleanField(
        label=_("The old badge was lost (a scan of it will say so)"), required=False
    )
    issued_on = forms.DateField(
        label=_("Issued on"), widget=DateInput, required=False, validators=[DATES.validator()]
    )
