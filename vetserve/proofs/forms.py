"""Forms of proofs: what a proof covers (unit, scope), and the reason for revoking one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import DATES
from vetserve.proofs.models import PROOF_YEARS, REASON_MAX, Scope


class IssueForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Recording unit"), coerce=int)
    scope = forms.ChoiceField(
        label=_("The proof covers"), choices=Scope.choices, initial=Scope.ALL,
        widget=forms.RadioSelect,
    )  # fmt: skip
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=PROOF_YEARS.low, max_value=PROOF_YEARS.high
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DATES.validator()],
    )  # fmt: skip
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DATES.validator()],
    )  # fmt: skip
    activities = forms.TypedMultipleChoiceField(
        label=_("Activities"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        units: Sequence[Any] = (),
        activities: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
        self.fields["activities"].choices = list(activities)  # type: ignore[attr-defined]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("Required. No ID or phone numbers."),
    )
