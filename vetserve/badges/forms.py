from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import DATES, Bound

# How many people or badges one selection may hold: a roster page is 50, a selection across
# pages a few hundred; 500 cards is 50 A4 pages, and Django refuses a form of over 1,000 fields
# before any view could say why.
SELECTION = Bound(1, 500)


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


class IdListField(forms.Field):
    """Many ids from repeated fields (check boxes named alike): whole positive numbers, at most
    SELECTION.high of them, each once."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one."),
        "invalid": _("The selection is not valid; reload the page and select again."),
        "too_many": _("Select at most %(limit)d at a time."),
    }

    def to_python(self, value: object) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            ids = sorted({int(str(item)) for item in value})
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(i < 1 or i > 2**31 - 1 for i in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(ids) > SELECTION.high:
            raise forms.ValidationError(
                self.error_messages["too_many"] % {"limit": SELECTION.high}, code="too_many"
            )
        return ids


class BulkIssueForm(forms.Form):
    """The roster's selection: volunteers to issue badges to (those without one)."""

    volunteer = IdListField()
    issued_on = forms.DateField(
        label=_("Issued on"), widget=DateInput, required=False, validators=[DATES.validator()]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["issued_on"].initial = timezone.localdate()


class SheetForm(forms.Form):
    """Cards to print on A4 sheets: chosen badges, or the valid badges of chosen volunteers."""

    badge = IdListField(required=False)
    volunteer = IdListField(required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if self.errors:
            return data
        count = len(data.get("badge") or ()) + len(data.get("volunteer") or ())
        if not count:
            raise forms.ValidationError(_("Select at least one."), code="required")
        if count > SELECTION.high:
            raise forms.ValidationError(
                IdListField.default_error_messages["too_many"] % {"limit": SELECTION.high},
                code="too_many",
            )
        return data
