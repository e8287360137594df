"""Forms of the ledger: the leader's entry by hand, a correction, and the list's filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import DATES
from vetserve.ledger.models import (
    CONTENT_MAX,
    ENTRY_MINUTES,
    EVIDENCE_MAX,
    HAND_MINUTES,
    REASON_MAX,
    RULE_NOTE_MAX,
    Source,
)


class EntryForm(forms.Form):
    activity = forms.TypedChoiceField(label=_("Activity"), coerce=int)
    service_date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DATES.validator()],
    )
    minutes = forms.IntegerField(
        label=_("Service minutes"), min_value=HAND_MINUTES.low, max_value=HAND_MINUTES.high
    )
    content = forms.CharField(
        label=_("Service content"), required=False, max_length=CONTENT_MAX, widget=forms.Textarea
    )
    back_entry = forms.BooleanField(label=_("Back-entry (recorded late)"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX)

    def __init__(self, *args: Any, activities: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [  # type: ignore[attr-defined]
            (a.pk, f"{a.title} · {timezone.localtime(a.starts_at):%Y-%m-%d}") for a in activities
        ]


class CorrectionForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Service minutes in all, corrected"), min_value=0, max_value=ENTRY_MINUTES.high
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("Required. No ID or phone numbers."),
    )


class LedgerFilterForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any")), *Source.choices]
    )
    # From a dashboard's figure: a region's official code and a category (hidden; kept in
    # the URL across pages).
    region = forms.RegexField(regex=r"^\d{6}(\d{3})?$", required=False, widget=forms.HiddenInput)
    category = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DATES.validator()],
    )  # fmt: skip
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DATES.validator()],
    )  # fmt: skip


class WorkdayRuleForm(forms.Form):
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DATES.validator()],
    )  # fmt: skip
    is_workday = forms.TypedChoiceField(
        label=_("This day is"),
        coerce=lambda v: v == "1",
        choices=[("0", _("a holiday (no work)")), ("1", _("a make-up workday"))],
    )
    note = forms.CharField(
        label=_("Source"),
        max_length=RULE_NOTE_MAX,
        help_text=_("The State Council's notice, e.g. 国办发明电〔2026〕X号."),
    )


class WorkdayRuleDeleteForm(forms.Form):
    reason = forms.CharField(label=_("Why is it wrong?"), max_length=REASON_MAX)


class ClaimForm(forms.Form):
    activity = forms.TypedChoiceField(label=_("Activity"), coerce=int)
    service_date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
        validators=[DATES.validator()],
    )  # fmt: skip
    minutes = forms.IntegerField(
        label=_("Service minutes"), min_value=HAND_MINUTES.low, max_value=HAND_MINUTES.high
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=EVIDENCE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who saw you serve, a sign-in sheet, a photo in the team's group. "
                    "No ID or phone numbers."),
    )  # fmt: skip

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("Optional: a JPG or PNG image, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, activities: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [  # type: ignore[attr-defined]
            (a.pk, f"{a.title} · {timezone.localtime(a.starts_at):%Y-%m-%d}") for a in activities
        ]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Required when rejecting. No ID or phone numbers."),
    )
