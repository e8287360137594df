"""Forms of the roster pages. They check shape only (required, lengths, choices); the rules
(ID checksum, phone format, duplicates, who may change what) live in `people.services`, whose
errors the views put next to the fields."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, cast

from django import forms
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vetserve.core.access import CHANGE, Actor
from vetserve.core.bounds import DATES, bounded_formfield
from vetserve.core.forms import DateInput
from vetserve.orgs.forms import OrganizationSearchField
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import organization_list
from vetserve.people.idnumbers import InvalidNumber, parse_id_number, parse_phone
from vetserve.people.models import (
    STATUS_FLOW,
    Branch,
    Consent,
    Membership,
    Party,
    Status,
    Volunteer,
)
from vetserve.people.services import CONSENT_TEXT_VERSION
from vetserve.regions.forms import RegionSearchField
from vetserve.regions.models import Region
from vetserve.regions.selectors import region_residence_choices

# The numbers checked inline while the form is filled in.
CHECKED = ("id_number", "phone", "emergency_phone")


def field_label(name: str) -> Any:
    """The model field's own (translated, lazy) name, as a form label."""
    return capfirst(Volunteer._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _model_field(name: str, **kwargs: Any) -> Any:
    """The form field Django would make for the model field: same label, choices, limits."""
    model_field = Volunteer._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return bounded_formfield(model_field, **kwargs)


def organizations_to_change(user: Actor | None) -> Any:
    """Organizations whose volunteers the user may register and manage."""
    return organization_list(user=user, action=CHANGE).order_by("path")


class VolunteerFilterForm(forms.Form):
    """The search and filters above the roster (all optional, all in the URL)."""

    q = forms.CharField(
        label=_("Search by name, pinyin initials, ID number, phone or badge number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("e.g. 王建国, wjg, a full ID or phone number"),
            }
        ),
    )
    region = RegionSearchField(label=_("Region"), queryset=Region.objects.none(), required=False)
    # A search, not a select of all 671 (issue 13); the user's organizations decide.
    org = OrganizationSearchField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
    skill = forms.IntegerField(label=_("Skill"), required=False, min_value=1)
    qualification = forms.IntegerField(label=_("Valid qualification"), required=False, min_value=1)

    def __init__(self, *args: Any, user: Actor | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = organization_list(user=user).select_related("region")
        cast(forms.ModelChoiceField, self.fields["org"]).queryset = orgs
        self.fields["org"].widget.attrs["placeholder"] = _("All organizations")
        regions = Region.objects.visible_to(user)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = regions
        self.fields["region"].widget.attrs["placeholder"] = _("All regions")


class VolunteerForm(forms.Form):
    """Registration and correction of a volunteer (办法 Art 5).

    Protected numbers are never put back into the page: when editing, their inputs start
    empty (the masked value shows as a hint) and an empty input keeps what is stored.
    """

    name = _model_field("name", label=pgettext_lazy("roster column", "Name"))
    id_number = forms.CharField(
        label=field_label("id_number_masked"),
        max_length=30,
        help_text=_("Gender and birth date are read from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=field_label("phone_masked"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    # A search over the counties the user sees and their townships, not ~270 options.
    residence_region = RegionSearchField(
        label=field_label("residence_region"), queryset=Region.objects.none(), within="residence"
    )
    address = _model_field("address")
    home_org = OrganizationSearchField(
        label=field_label("home_org"), queryset=Organization.objects.none(), action=CHANGE
    )
    status = forms.ChoiceField(
        label=field_label("status"),
        choices=[(Status.ACTIVE, Status.ACTIVE.label), (Status.APPLIED, Status.APPLIED.label)],
        initial=Status.ACTIVE,
    )
    skills_note = _model_field("skills_note", help_text=_("e.g. driving, first aid, electrician"))
    service_categories = _model_field(
        "service_categories", help_text=_("e.g. emergency rescue, order maintenance")
    )
    service_branch = _model_field(
        "service_branch", choices=[("", _("— not given —")), *Branch.choices]
    )
    enlisted_year = _model_field("enlisted_year")
    discharged_year = _model_field("discharged_year")
    military_specialty = _model_field("military_specialty")
    discharge_doc = forms.CharField(
        label=field_label("discharge_doc_masked"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    party = _model_field("party", choices=[("", _("— not given —")), *Party.choices])
    emergency_name = _model_field("emergency_name", label=_("Emergency contact's name"))
    emergency_phone = forms.CharField(
        label=field_label("emergency_phone_masked"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    consent = forms.BooleanField(label=_("The volunteer has agreed to be registered"))

    def __init__(
        self, *args: Any, user: Actor | None, volunteer: Volunteer | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.volunteer = volunteer
        self.fields["consent"].help_text = _(
            "Registration by an organization needs the volunteer's consent (办法 Art 6); "
            "consent text version %(version)s."
        ) % {"version": CONSENT_TEXT_VERSION}
        self.org_choices = organizations_to_change(user).select_related("region")
        if volunteer is not None:
            self.org_choices = self.org_choices | Organization.objects.filter(
                pk=volunteer.home_org_id
            ).select_related("region")
        cast(forms.ModelChoiceField, self.fields["home_org"]).queryset = self.org_choices
        regions = region_residence_choices(user=user)
        if volunteer is not None:
            # Kept from before, still accepted.
            regions = regions | Region.objects.filter(pk=volunteer.residence_region_id)
        cast(forms.ModelChoiceField, self.fields["residence_region"]).queryset = regions
        for name in CHECKED:
            # Checked as soon as the field is left (htmx); the answer shows under it. POST:
            # the number must not travel in a URL (access logs, proxies).
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": reverse("people:check"),
                    "hx-trigger": "change",
                    "hx-target": f"#check-{name}",
                    "hx-vals": json.dumps({"field": name}),
                    "hx-sync": "this:replace",
                }
            )
        if volunteer is not None:
            # Correcting a record: no new consent, status changes have their own form, and
            # the protected numbers stay as they are unless a new value is typed.
            del self.fields["consent"]
            del self.fields["status"]
            for name, masked in (
                ("id_number", volunteer.id_number_masked),
                ("phone", volunteer.phone_masked),
                ("emergency_phone", volunteer.emergency_phone_masked),
                ("discharge_doc", volunteer.discharge_doc_masked),
            ):
                number_field = self.fields[name]
                number_field.required = False
                if masked:
                    number_field.widget.attrs["placeholder"] = masked
                    number_field.help_text = _(
                        "Now %(masked)s. Leave empty to keep it; type the full number to change it."
                    ) % {"masked": masked}
                else:
                    number_field.help_text = _("Not recorded yet.")

    # The number checks of `people.idnumbers` run here too, so that a mistyped number shows
    # with the other problems at once; the service checks again (and for duplicates).
    def _number(self, name: str, parse: Any) -> str:
        value: str = self.cleaned_data.get(name, "")
        if value:
            try:
                parse(value)
            except InvalidNumber as exc:
                raise forms.ValidationError(str(exc), code=exc.code) from None
        return value

    def clean_id_number(self) -> str:
        return self._number("id_number", parse_id_number)

    def clean_phone(self) -> str:
        return self._number("phone", parse_phone)

    def clean_emergency_phone(self) -> str:
        return self._number("emergency_phone", parse_phone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        enlisted, discharged = data.get("enlisted_year"), data.get("discharged_year")
        this_year = timezone.localdate().year
        for name, year in (("enlisted_year", enlisted), ("discharged_year", discharged)):
            if year and year > this_year:
                self.add_error(name, _("This year has not come yet."))
        if enlisted and discharged and discharged < enlisted:
            self.add_error("discharged_year", _("Discharge cannot come before enlistment."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `volunteer_register` / `volunteer_update`."""
        data = dict(self.cleaned_data)
        data.pop("consent", None)
        if self.volunteer is not None:
            for name in ("id_number", "phone", "emergency_phone", "discharge_doc"):
                if not data.get(name):
                    data[name] = None  # keep the stored value
        for name in ("enlisted_year", "discharged_year"):
            data.setdefault(name, None)
        return data


class StatusForm(forms.Form):
    prefix = "status"
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Kept in the volunteer's status history."),
    )

    def __init__(self, *args: Any, volunteer: Volunteer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_FLOW.get(volunteer.status, frozenset())
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [
            (value, label) for value, label in Status.choices if value in allowed
        ]


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full number?"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Recorded in the audit log."),
    )


class MembershipForm(forms.Form):
    prefix = "membership"
    organization = OrganizationSearchField(
        label=_("Organization"), queryset=Organization.objects.none(), action=CHANGE
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    started_on = forms.DateField(
        label=_("From"), widget=DateInput(), initial=date.today, validators=[DATES.validator()]
    )

    def __init__(self, *args: Any, user: Actor | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org_choices = organizations_to_change(user).select_related("region")
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = self.org_choices


class MembershipEndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Until"), widget=DateInput(), initial=date.today, validators=[DATES.validator()]
    )


class ConsentForm(forms.Form):
    prefix = "consent"
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Agreed")), ("no", _("Withdrawn / refused"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    text_version = forms.CharField(
        label=_("Text version"), max_length=20, initial=CONSENT_TEXT_VERSION
    )


class CorrectionRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What is wrong, and what should it be?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionResolveForm(forms.Form):
    done = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Corrected")), ("no", _("Rejected"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    resolution = forms.CharField(
        label=_("Answer to the volunteer"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("e.g. the volunteer asked for deletion (PIPL Art 47). Kept in the audit log."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the personal data cannot be restored."),
    )


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(label=_("Record to keep"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("e.g. the same person registered by two teams. Kept in the audit log."),
    )

    def __init__(self, *args: Any, pair: tuple[Volunteer, Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["keep"]).choices = [
            (v.pk, f"#{v.pk} {v.name} · {v.home_org.name}") for v in pair
        ]
