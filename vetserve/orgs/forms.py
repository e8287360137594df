from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import CHANGE, VIEW, Actor, places_orgs_under_teams
from vetserve.core.bounds import bounded_formfield
from vetserve.core.forms import DateInput
from vetserve.core.widgets import SearchChoiceField
from vetserve.orgs.models import Kind, Organization
from vetserve.orgs.selectors import organization_list
from vetserve.regions.forms import RegionSearchField
from vetserve.regions.models import Region


def _model_field(name: str, **kwargs: Any) -> Any:
    """The form field Django would make for the model field: same label, choices, limits."""
    model_field = Organization._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return bounded_formfield(model_field, **kwargs)


class OrganizationSearchField(SearchChoiceField):
    """An organization picked by searching (``orgs:search``) rather than from a list of all
    671: the page holds only the chosen one (issue 13). The queryset (what the user may pick)
    still decides; ``action``/``active_only`` make the search offer the same."""

    def __init__(
        self, queryset: Any, *, action: str = VIEW, active_only: bool = False, **kwargs: Any
    ) -> None:
        params = {"action": action, **({"active": "1"} if active_only else {})}
        super().__init__(queryset, url_name="orgs:search", params=params, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region.name}）"


class OrganizationForm(forms.Form):
    """The organization's fields; region and parent offer only places the user may change.

    A plain Form, not a ModelForm: the services compare the organization before and after, so
    the form must not write into the instance before the service runs.
    """

    name = _model_field("name")
    kind = _model_field("kind")
    specialty = _model_field("specialty")
    region = RegionSearchField(label=_("Region"), queryset=Region.objects.none(), action=CHANGE)
    parent = OrganizationSearchField(
        label=_("Parent organization"),
        queryset=Organization.objects.none(),
        required=False,
        action=CHANGE,
        help_text=_("The body this organization belongs to, if any; empty for a top-level one."),
    )
    founded_on = _model_field("founded_on", widget=DateInput())
    leader_name = _model_field("leader_name")
    flag_awarded_on = _model_field(
        "flag_awarded_on",
        widget=DateInput(),
        help_text=_("When the team received its flag (e.g. in the 扛红旗、当先锋 campaign)."),
    )
    description = _model_field("description", widget=forms.Textarea(attrs={"rows": 4}))
    is_active = _model_field("is_active")

    def __init__(
        self, *args: Any, user: Actor | None, instance: Organization | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.region_choices = _region_choices(user, instance)
        self.parent_choices = _parent_choices(user, instance)
        region = cast(RegionSearchField, self.fields["region"])
        region.queryset = self.region_choices
        if places_orgs_under_teams(user):
            region.widget.params = {"action": VIEW}  # see _region_choices
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = self.parent_choices
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", _("— choose —")),
            *Kind.choices,
        ]
        if instance is None:
            # A new organization is active; deactivating is an edit.
            del self.fields["is_active"]


def _region_choices(user: Actor | None, instance: Organization | None) -> Any:
    # A team leader may place a sub-team in any region they can see (access.may_place_org).
    action = VIEW if places_orgs_under_teams(user) else CHANGE
    regions = Region.objects.visible_to(user, action)
    if instance is not None:
        regions = regions | Region.objects.filter(pk=instance.region_id)
    return regions.order_by("id")


def _parent_choices(user: Actor | None, instance: Organization | None) -> Any:
    parents = organization_list(user=user, action=CHANGE)
    if instance is not None:
        # Never under itself or its own sub-teams; but always its current parent.
        parents = parents.exclude(path__startswith=instance.path)
        if instance.parent_id is not None:
            parents = parents | Organization.objects.filter(pk=instance.parent_id)
    return parents.select_related("region").order_by("path")


class OrganizationFilterForm(forms.Form):
    """The search and filters above the organization list (all optional, all in the URL)."""

    q = forms.CharField(
        label=_("Search by name or pinyin"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("e.g. 张北, zb or zhangbei"),
            }
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    # A search, not a select of every region (issue 13); an official code in the URL works.
    region = RegionSearchField(label=_("Region"), queryset=Region.objects.none(), required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Actor | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = cast(RegionSearchField, self.fields["region"])
        region.queryset = Region.objects.visible_to(user)
        region.widget.attrs["placeholder"] = _("All regions")
