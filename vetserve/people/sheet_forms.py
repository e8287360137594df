from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import CHANGE, Actor
from vetserve.orgs.forms import OrganizationSearchField
from vetserve.orgs.models import Organization
from vetserve.people.models import Status
from vetserve.spreadsheets.uploads import MAX_UPLOAD_BYTES
from vetserve.spreadsheets.writers import FORMATS


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("Excel (.xlsx, .xls), WPS (.et) or CSV (UTF-8 or GBK), at most 20 MB."),
    )
    organization = OrganizationSearchField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        action=CHANGE,
        active_only=True,
        help_text=_(
            "The organization the volunteers belong to, unless a row names another; empty: as "
            "named in the file's “Organization” column."
        ),
    )

    def __init__(self, *args: Any, user: Actor | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, OrganizationSearchField)
        field.queryset = (
            Organization.objects.visible_to(user, CHANGE)
            .filter(is_active=True)
            .select_related("region")
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it into parts."))
        return upload


class CommitForm(forms.Form):
    consent = forms.BooleanField(
        label=_("Each new volunteer in this file agreed to be registered."),
        help_text=_("Registration by an organization needs the volunteer's consent (办法 Art 6)."),
    )


MASKED, FULL = "masked", "full"


class ExportForm(forms.Form):
    """Filters as on the roster list, the format, masked or full numbers, and for a full
    export a reason. The page offers the choice only to those who may export in full
    (``may_export_full_numbers``); the view refuses a full export to anyone else."""

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(f, f".{f}") for f in FORMATS],
        initial="xlsx",
        required=False,
    )
    q = forms.CharField(required=False, max_length=100)
    region = forms.CharField(required=False, max_length=12)
    org = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Status.choices])
    values = forms.ChoiceField(
        label=_("ID and phone numbers"),
        choices=[
            (MASKED, _("Masked (130722********123X)")),
            (FULL, _("In full, for the volunteers I manage (give a reason)")),
        ],
        initial=MASKED,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why do you need the full numbers?"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Recorded in the audit log with the export."),
    )
