from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.activities.models import PEOPLE_PER_SHIFT, Activity, Campaign, Category, Status
from vetserve.core.access import CHANGE
from vetserve.core.bounds import DATES, MOMENTS
from vetserve.core.forms import DateInput
from vetserve.orgs.forms import OrganizationSearchField

# The bounds of the model fields these plain form fields stand for (core.bounds).
_PEOPLE = [PEOPLE_PER_SHIFT.validator()]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


UPCOMING, PAST, ANY_TIME = "upcoming", "past", "all"


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    region = forms.CharField(required=False, widget=forms.HiddenInput)
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False, widget=forms.HiddenInput)
    # One day's activities (the calendar's "more" link for a busy day): any time, by start.
    day = forms.DateField(required=False, widget=forms.HiddenInput, validators=[DATES.validator()])
    # The list opens on what is still ahead (issue 13); the calendar ignores it.
    when = forms.ChoiceField(
        label=_("when"),
        required=False,
        choices=[
            (UPCOMING, _("Upcoming and under way")),
            (PAST, _("Ended")),
            (ANY_TIME, _("Any time")),
        ],
    )


def _organization_field(model_field: forms.Field, organizations: Any) -> forms.Field:
    """The model's organization field as a search (issue 13: not a select of all 671); the
    queryset, the organizations the user may change, still decides what is accepted."""
    return OrganizationSearchField(
        organizations.select_related("region"),
        action=CHANGE,
        label=model_field.label,
        required=model_field.required,
        help_text=model_field.help_text,
    )


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "organization",
            "starts_on",
            "ends_on",
            "description",
            "target_activities",
            "target_volunteers",
            "target_hours",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _organization_field(
            self.fields["organization"], organizations
        )


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "category",
            "organization",
            "campaign",
            "place",
            "lat",
            "lon",
            "starts_at",
            "ends_at",
            "description",
            "risk_disclosure",
            "insurance_required",
            "contact_name",
        ]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args: Any, organizations: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _organization_field(
            self.fields["organization"], organizations
        )
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class ShiftForm(forms.Form):
    post = forms.CharField(label=_("post"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("starts at"), widget=DateTimeInput(), validators=[MOMENTS.validator()]
    )
    ends_at = forms.DateTimeField(
        label=_("ends at"), widget=DateTimeInput(), validators=[MOMENTS.validator()]
    )
    min_people = forms.IntegerField(
        label=_("minimum people"), min_value=0, validators=_PEOPLE, initial=1
    )
    wanted_people = forms.IntegerField(
        label=_("wanted people"), min_value=1, validators=_PEOPLE, initial=1
    )
    max_people = forms.IntegerField(
        label=_("maximum people"), min_value=1, validators=_PEOPLE, initial=1
    )


class ShiftEditForm(forms.Form):
    """What may change on a planned shift: not its time (people planned around it)."""

    post = forms.CharField(label=_("post"), max_length=120)
    min_people = forms.IntegerField(label=_("minimum people"), min_value=0, validators=_PEOPLE)
    wanted_people = forms.IntegerField(label=_("wanted people"), min_value=1, validators=_PEOPLE)
    max_people = forms.IntegerField(label=_("maximum people"), min_value=1, validators=_PEOPLE)
    notes = forms.CharField(label=_("notes"), max_length=300, required=False)


class AddSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a volunteer"),
        max_length=50,
        required=False,
        help_text=_("Name, pinyin initials, badge number or the last four digits of the phone"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class SeriesForm(forms.Form):
    KIND_CHOICES = [("weekly", _("Weekly on given weekdays")), ("rotation", _("Round the clock"))]
    WEEKDAYS = [
        (0, _("Monday")),
        (1, _("Tuesday")),
        (2, _("Wednesday")),
        (3, _("Thursday")),
        (4, _("Friday")),
        (5, _("Saturday")),
        (6, _("Sunday")),
    ]
    kind = forms.ChoiceField(label=_("repeat"), choices=KIND_CHOICES)
    post = forms.CharField(label=_("post"), max_length=120)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_day = forms.DateField(
        label=_("first day"), widget=DateInput(), validators=[DATES.validator()]
    )
    last_day = forms.DateField(
        label=_("last day"), required=False, widget=DateInput(), validators=[DATES.validator()]
    )
    start = forms.TimeField(label=_("start time"))
    end = forms.TimeField(label=_("end time"), required=False)
    shifts_per_day = forms.IntegerField(label=_("shifts per day"), min_value=1, required=False)
    days = forms.IntegerField(label=_("days"), min_value=1, required=False)
    min_people = forms.IntegerField(
        label=_("minimum people"), min_value=0, validators=_PEOPLE, initial=1
    )
    wanted_people = forms.IntegerField(
        label=_("wanted people"), min_value=1, validators=_PEOPLE, initial=1
    )
    max_people = forms.IntegerField(
        label=_("maximum people"), min_value=1, validators=_PEOPLE, initial=1
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)
