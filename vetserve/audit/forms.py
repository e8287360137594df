from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.audit.display import action_label
from vetserve.core.bounds import DATES
from vetserve.core.forms import DateInput


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
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

    def __init__(
        self,
        *args: Any,
        actions: list[str],
        object_types: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        """``actions`` and ``object_types``: what the log can contain (audit.display)."""
        super().__init__(*args, **kwargs)
        labelled = sorted(((a, action_label(a)) for a in actions), key=lambda c: c[1])
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", _("All actions")), *labelled]
        object_type = cast(forms.ChoiceField, self.fields["object_type"])
        object_type.choices = [("", _("All types")), *object_types]
