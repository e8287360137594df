"""Form helpers shared by every app's pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The empty choice of a select, everywhere: "请选择…" where a value is to be picked; a filter
# says "全部" (All) instead. Django's own "---------" is turned into this by the widget template
# (vetserve/templates/django/forms/widgets/select_option.html), so no form can forget it.
CHOOSE = _("Choose…")
DJANGO_BLANK = "---------"


def form_add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field, or above the form.

    Services name their errors by field ({"name": ...}); a field the form does not have
    (or an error without a field) becomes a form-wide error, so nothing is silently lost.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.error_list)


class DateInput(forms.DateInput):
    """The browser's own date picker; the value travels as 2022-02-11 whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
