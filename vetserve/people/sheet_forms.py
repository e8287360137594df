from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import CHANGE, Actor
from vetserve.orgs.models import Organization
from vetserve.people.models import Status
from vetserve.spreadsheets.uploads import MAX_UPLOAD_BYTES
from vetserve.spreadsheets.writers import FORMATS


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name}（{obj.region.name}）"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("Excel (.xlsx, .xls), WPS (.et) or CSV (UTF-8 or GBK), at most 20 MB."),
    )
    organization = OrganizationChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— as named in the file's “Organization” column —"),
        help_text=_("The organization the volunteers belong to, unless a row names another."),
    )

    def __init__(self, *args: Any, user: Actor | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, OrganizationChoiceField)
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


class ExportForm(forms.Form):
    """Filters as on the roster list, the format, and for a full export a reason."""

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
    reason = forms.CharField(
        label=_("Why do you need the full numbers?"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Recorded in the audit log with the export."),
    )
