"""The staff's post editor and photo upload: what the user may choose is each field's queryset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.activities.models import Campaign
from vetserve.core.access import CHANGE, VIEW, Actor, visible_to
from vetserve.core.widgets import SearchChoiceField
from vetserve.orgs.forms import OrganizationSearchField
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.public.models import (
    BODY_MAX,
    CAPTION_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Kind,
    PostStatus,
)
from vetserve.regions.models import Region
from vetserve.skills.models import Course

# Posts are written for a city, a county or the province: a township's news is its county's.
PUBLISHING_LEVELS = ("province", "city", "county")


class VolunteerSearchField(SearchChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.home_org.name}）" if obj.home_org_id else obj.name


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX,
        required=False,
        help_text=_("One or two sentences shown in the lists."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        help_text=_(
            "Markdown: a blank line between paragraphs, ## for a heading, **bold**, "
            "- for a list, [text](https://…) for a link."
        ),
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    region = forms.ModelChoiceField(label=_("Published for"), queryset=Region.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=PostStatus.choices)
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        help_text=_("Empty: now. A later time schedules the post."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    course = forms.ModelChoiceField(
        label=_("Training course it prepares for"),
        queryset=Course.objects.none(),
        required=False,
        help_text=_("For a lesson (志愿课堂)."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    organization = OrganizationSearchField(
        Organization.objects.none(), label=_("Team (for a profile)"), required=False
    )
    volunteer = VolunteerSearchField(
        Volunteer.objects.none(),
        url_name="people:search",
        label=_("Volunteer (for a profile)"),
        required=False,
        help_text=_("Only with the volunteer's consent to publication."),
    )

    def __init__(self, *args: Any, user: Actor | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["region"].queryset = visible_to(user, Region, CHANGE).filter(
            level__in=PUBLISHING_LEVELS
        )
        fields["course"].queryset = visible_to(user, Course, VIEW).order_by("name", "id")
        fields["campaign"].queryset = visible_to(user, Campaign, VIEW).order_by("-starts_on")
        fields["organization"].queryset = visible_to(user, Organization, VIEW).select_related(
            "region"
        )
        fields["volunteer"].queryset = (
            visible_to(user, Volunteer, VIEW)
            .filter(erased_at__isnull=True)
            .select_related("home_org")
        )


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPG, PNG or WebP, at most 10 MB; resized, and its location data removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=CAPTION_MAX, required=False)
