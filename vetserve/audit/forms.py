from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.audit.display import action_label
from vetserve.core.forms import DateInput


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = forms.DateField(label=_("From date"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until date"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: object,
        actions: list[str],
        object_types: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = sorted(((a, action_label(a)) for a in actions), key=lambda c: c[1])
        self.fields["action"].choices = [("", _("All actions")), *choices]  # type: ignore[attr-defined]
        self.fields["object_type"].choices = [("", _("All types")), *object_types]  # type: ignore[attr-defined]
