"""Forms of selections: the definition (pool, hard criteria, weights, posts with quotas) and
the decision's reason. The services check everything again; these give the limits in words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import CHANGE, Actor
from vetserve.orgs.forms import OrganizationSearchField
from vetserve.orgs.models import Organization
from vetserve.regions.forms import RegionSearchField
from vetserve.regions.models import Region
from vetserve.selection import criteria as crit
from vetserve.selection.models import (
    AGES,
    KEYWORD_MAX,
    NAME_MAX,
    NOTE_MAX,
    POST_NAME_MAX,
    QUOTA,
    REASON_MAX,
    RESERVE,
    SUSPENSION_DAYS,
    WEIGHTS,
    PoolStatus,
)
from vetserve.skills.models import QualificationType

# Post rows on the page (the API takes up to POSTS_MAX).
POST_ROWS = 5


def _qualification_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [
        (str(pk), name)
        for pk, name in QualificationType.objects.order_by("name").values_list("pk", "name")
    ]


class SelectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    purpose = forms.CharField(label=_("Purpose"), max_length=NOTE_MAX, required=False)
    organization = OrganizationSearchField(
        label=_("Selecting organization"), queryset=Organization.objects.none(), action=CHANGE
    )
    pool_region = RegionSearchField(
        label=_("Volunteers of region"), queryset=Region.objects.none(), required=False,
        help_text=_("Empty: every volunteer you manage."),
    )  # fmt: skip
    pool_organization = OrganizationSearchField(
        label=_("Volunteers of organization (and its sub-teams)"),
        queryset=Organization.objects.none(), action=CHANGE, required=False,
    )  # fmt: skip
    keyword = forms.CharField(
        label=_("Service category contains"), max_length=KEYWORD_MAX, required=False
    )
    pool_status = forms.ChoiceField(
        label=_("Consider"), choices=PoolStatus.choices, initial=PoolStatus.ACTIVE
    )
    min_age = forms.IntegerField(
        label=_("Minimum age"), required=False, min_value=AGES.low, max_value=AGES.high, initial=18
    )
    max_age = forms.IntegerField(
        label=_("Maximum age"), required=False, min_value=AGES.low, max_value=AGES.high, initial=65
    )
    qualification = forms.TypedChoiceField(
        label=_("Qualification everyone must hold"), required=False, coerce=int, empty_value=None
    )
    suspension_free_days = forms.IntegerField(
        label=_("No suspension in the last (days)"), min_value=SUSPENSION_DAYS.low,
        max_value=SUSPENSION_DAYS.high, initial=365,
    )  # fmt: skip
    place_region = RegionSearchField(
        label=_("Distance measured to"), queryset=Region.objects.none(), required=False,
        help_text=_("Needed when distance has a weight."),
    )  # fmt: skip
    reserve_size = forms.IntegerField(
        label=_("Reserve list"), min_value=RESERVE.low, max_value=RESERVE.high, initial=10
    )

    def __init__(self, *args: Any, user: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, CHANGE).select_related("region")
        self.fields["organization"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["pool_organization"].queryset = orgs  # type: ignore[attr-defined]
        regions = Region.objects.visible_to(user)
        self.fields["pool_region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["place_region"].queryset = regions  # type: ignore[attr-defined]
        choices = _qualification_choices()
        self.fields["qualification"].choices = choices  # type: ignore[attr-defined]
        for criterion in crit.CRITERIA:
            self.fields[f"weight_{criterion.code}"] = forms.IntegerField(
                label=str(criterion.label), min_value=WEIGHTS.low, max_value=WEIGHTS.high,
                initial=criterion.default_weight, help_text=str(criterion.explanation),
            )  # fmt: skip
        for row in range(1, POST_ROWS + 1):
            self.fields[f"post_{row}_name"] = forms.CharField(
                label=_("Post %(n)d") % {"n": row}, max_length=POST_NAME_MAX, required=False
            )
            self.fields[f"post_{row}_quota"] = forms.IntegerField(
                label=_("Quota"), min_value=QUOTA.low, max_value=QUOTA.high, required=False
            )
            self.fields[f"post_{row}_qualification"] = forms.TypedChoiceField(
                label=_("Qualification the post needs"), required=False, coerce=int,
                empty_value=None, choices=choices,
            )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, POST_ROWS + 1):
            name, quota = data.get(f"post_{row}_name"), data.get(f"post_{row}_quota")
            if name and quota is None:
                self.add_error(f"post_{row}_quota", _("Give the post's quota."))
            if quota is not None and not name:
                self.add_error(f"post_{row}_name", _("Give the post's name."))
        return data

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{c.code}"] for c in crit.CRITERIA]

    def post_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"post_{r}_name"], self[f"post_{r}_quota"], self[f"post_{r}_qualification"]]
            for r in range(1, POST_ROWS + 1)
        ]

    def posts(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        result = []
        for row in range(1, POST_ROWS + 1):
            name = data.get(f"post_{row}_name")
            if not name:
                continue
            qualification = data.get(f"post_{row}_qualification")
            result.append(
                {
                    "name": name,
                    "quota": data.get(f"post_{row}_quota"),
                    "qualification_group": [qualification] if qualification else [],
                }
            )
        return result

    def weights(self) -> dict[str, int]:
        return {c.code: int(self.cleaned_data.get(f"weight_{c.code}") or 0) for c in crit.CRITERIA}


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, required=False,
        help_text=_("Required to reject. No ID or phone numbers."),
    )  # fmt: skip
