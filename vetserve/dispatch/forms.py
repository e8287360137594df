"""Forms of the dispatch pages: availability (phone-sized), a call-out and its shifts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.activities.forms import DateTimeInput
from vetserve.activities.models import PEOPLE_PER_SHIFT, Category
from vetserve.core.access import CHANGE
from vetserve.core.bounds import LATITUDES, LONGITUDES, MOMENTS
from vetserve.dispatch import pattern
from vetserve.dispatch.models import ANSWER_MINUTES, NOTE_MAX, PARTS, TITLE_MAX
from vetserve.orgs.forms import OrganizationSearchField
from vetserve.regions.forms import RegionSearchField

WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
_PEOPLE = [PEOPLE_PER_SHIFT.validator()]


def slot_choices() -> list[tuple[str, str]]:
    return [
        (f"{day}-{part}", f"{WEEKDAYS[day]} {PARTS[part][3]}")
        for day in range(7)
        for part in range(len(PARTS))
    ]


class AvailabilityForm(forms.Form):
    slots = forms.MultipleChoiceField(
        label=_("Usually free"),
        choices=slot_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    emergency_reachable = forms.BooleanField(
        label=_("Reachable for emergencies at any hour"), required=False
    )

    @staticmethod
    def initial_for(weekly_mask: int, emergency_reachable: bool) -> dict[str, Any]:
        return {
            "slots": [f"{d}-{p}" for d, p in pattern.bits_of(weekly_mask)],
            "emergency_reachable": emergency_reachable,
        }

    def weekly_mask(self) -> int:
        pairs = [tuple(int(x) for x in value.split("-")) for value in self.cleaned_data["slots"]]
        return pattern.mask_of([(d, p) for d, p in pairs])


class UnavailabilityForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("from"), widget=DateTimeInput(), validators=[MOMENTS.validator()]
    )
    ends_at = forms.DateTimeField(
        label=_("until"), widget=DateTimeInput(), validators=[MOMENTS.validator()]
    )
    note = forms.CharField(label=_("note"), max_length=NOTE_MAX, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class CallOutForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    place = forms.CharField(label=_("place"), max_length=200)
    lat = forms.DecimalField(
        label=_("latitude"), required=False, max_digits=9, decimal_places=6,
        validators=[LATITUDES.validator()],
    )  # fmt: skip
    lon = forms.DecimalField(
        label=_("longitude"), required=False, max_digits=9, decimal_places=6,
        validators=[LONGITUDES.validator()],
    )  # fmt: skip
    emergency = forms.BooleanField(label=_("emergency"), required=False)
    widen = forms.BooleanField(
        label=_("widen beyond neighbouring counties"), required=False, initial=True
    )
    answer_minutes = forms.IntegerField(
        label=_("minutes to answer"),
        required=False,
        min_value=ANSWER_MINUTES.low,
        max_value=ANSWER_MINUTES.high,
        help_text=_("Empty: the default (minutes in an emergency)."),
    )

    def __init__(self, *args: Any, organizations: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = OrganizationSearchField(
            organizations.select_related("region"),
            action=CHANGE,
            label=_("dispatching organization"),
        )
        self.fields["region"] = RegionSearchField(regions, action=CHANGE, label=_("region"))


class CallOutShiftForm(forms.Form):
    post = forms.CharField(label=_("post"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("starts at"), widget=DateTimeInput(), validators=[MOMENTS.validator()]
    )
    ends_at = forms.DateTimeField(
        label=_("ends at"), widget=DateTimeInput(), validators=[MOMENTS.validator()]
    )
    min_people = forms.IntegerField(label=_("minimum people"), min_value=0, validators=_PEOPLE)
    wanted_people = forms.IntegerField(label=_("wanted people"), min_value=1, validators=_PEOPLE)
    max_people = forms.IntegerField(label=_("maximum people"), min_value=1, validators=_PEOPLE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        low, wanted, high = (data.get(k) for k in ("min_people", "wanted_people", "max_people"))
        if None not in (low, wanted, high) and not (low <= wanted <= high):  # type: ignore[operator]
            self.add_error("wanted_people", _("Minimum ≤ wanted ≤ maximum, please."))
        return data


CallOutShiftFormSet = forms.formset_factory(
    CallOutShiftForm, extra=3, max_num=20, validate_max=True, min_num=1, validate_min=True
)
