"""Forms of the skills pages. Plain forms: the services write, the forms only read input."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import CHANGE, Actor
from vetserve.core.bounds import bounded_formfield
from vetserve.core.forms import DateInput
from vetserve.orgs.forms import OrganizationSearchField
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import organization_list
from vetserve.skills.models import (
    SCAN_EXTENSIONS,
    Category,
    Course,
    Enrolment,
    MilitarySpecialtyMapping,
    Qualification,
    QualificationType,
    Skill,
    TrainingSession,
)

LEVELS = [(1, _("1 · basic")), (2, _("2 · practised")), (3, _("3 · expert"))]


def _field(model: type[models.Model], name: str, **kwargs: Any) -> Any:
    """The form field Django would make for the model field: same label, choices, limits."""
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return bounded_formfield(model_field, **kwargs)


# --- catalogue --------------------------------------------------------------------------------


class SkillForm(forms.Form):
    code = _field(Skill, "code", help_text=_("Latin letters, digits and _; e.g. first_aid."))
    name = _field(Skill, "name")
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class QualificationTypeForm(forms.Form):
    code = _field(QualificationType, "code")
    name = _field(QualificationType, "name")
    issuing_body = _field(QualificationType, "issuing_body")
    validity_days = _field(QualificationType, "validity_days")
    includes = forms.ModelMultipleChoiceField(
        label=_("includes"),
        queryset=QualificationType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A holder of this type also counts as holding the types ticked here."),
    )
    is_insurance = forms.BooleanField(label=_("is insurance"), required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, instance: QualificationType | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if instance is not None:
            field = cast(forms.ModelMultipleChoiceField, self.fields["includes"])
            field.queryset = QualificationType.objects.exclude(pk=instance.pk)


class SpecialtyMappingForm(forms.Form):
    specialty = _field(
        MilitarySpecialtyMapping,
        "specialty",
        help_text=_("Matched inside the recorded specialty: 卫生员 matches 卫生员（连队）."),
    )
    skill = forms.ModelChoiceField(label=_("skill"), queryset=Skill.objects.all())
    level = forms.TypedChoiceField(label=_("level"), choices=LEVELS, coerce=int, initial=1)


# --- one volunteer ----------------------------------------------------------------------------


class QualificationForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("qualification type"), queryset=QualificationType.objects.filter(is_active=True)
    )
    number = _field(Qualification, "number")
    issuer = _field(Qualification, "issuer", help_text=_("Empty: the type's issuing body."))
    issued_on = _field(Qualification, "issued_on", widget=DateInput())
    expires_on = _field(
        Qualification,
        "expires_on",
        widget=DateInput(),
        help_text=_("Empty: the type's validity from the issue date."),
    )
    scan = forms.FileField(
        label=_("scan"),
        required=False,
        help_text=_("PDF, JPG or PNG, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in SCAN_EXTENSIONS)}
        ),
    )
    verified = forms.BooleanField(
        label=_("Checked against the original"),
        required=False,
        help_text=_("Tick only if you have seen the original certificate."),
    )

    def __init__(self, *args: Any, may_verify: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not may_verify:
            del self.fields["verified"]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)


class VolunteerSkillForm(forms.Form):
    skill = forms.ModelChoiceField(label=_("skill"), queryset=Skill.objects.filter(is_active=True))
    level = forms.TypedChoiceField(label=_("level"), choices=LEVELS, coerce=int, initial=1)


class ConfirmSkillForm(forms.Form):
    level = forms.TypedChoiceField(label=_("level"), choices=LEVELS, coerce=int, required=False)


# --- training ---------------------------------------------------------------------------------


class CourseForm(forms.Form):
    name = _field(Course, "name")
    organizer = OrganizationSearchField(
        label=_("organizer"), queryset=Organization.objects.none(), action=CHANGE
    )
    study_hours = _field(Course, "study_hours")
    content = _field(Course, "content", widget=forms.Textarea(attrs={"rows": 4}))
    grants_type = forms.ModelChoiceField(
        label=_("grants qualification"),
        queryset=QualificationType.objects.filter(is_active=True),
        required=False,
        help_text=_("Passing the course gives this qualification, verified."),
    )
    grants_validity_days = _field(
        Course, "grants_validity_days", help_text=_("Empty: the type's own validity.")
    )

    def __init__(self, *args: Any, user: Actor | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organizer_choices = (
            organization_list(user=user, action=CHANGE).select_related("region").order_by("path")
        )
        cast(forms.ModelChoiceField, self.fields["organizer"]).queryset = self.organizer_choices


class SessionForm(forms.Form):
    date = _field(TrainingSession, "date", widget=DateInput())
    place = _field(TrainingSession, "place")
    trainer = _field(TrainingSession, "trainer")
    capacity = _field(TrainingSession, "capacity")


class EnrolForm(forms.Form):
    volunteers = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["volunteers"]).choices = choices


PASSED_CHOICES = [("", _("not decided")), ("yes", _("passed")), ("no", _("failed"))]


class ResultsForm(forms.Form):
    """Attendance, verdict and score for every enrolment of a session, in one form: three
    fields per enrolment, named by its id (attended_12, passed_12, score_12)."""

    def __init__(self, *args: Any, enrolments: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for e in enrolments:
            self.fields[f"attended_{e.pk}"] = forms.BooleanField(
                label=_("attended"), required=False, initial=bool(e.attended)
            )
            self.fields[f"passed_{e.pk}"] = forms.ChoiceField(
                label=_("result"),
                choices=PASSED_CHOICES,
                required=False,
                initial="" if e.passed is None else ("yes" if e.passed else "no"),
            )
            self.fields[f"score_{e.pk}"] = bounded_formfield(
                Enrolment._meta.get_field("score"), label=_("score"), initial=e.score
            )

    def rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [
            (e, self[f"attended_{e.pk}"], self[f"passed_{e.pk}"], self[f"score_{e.pk}"])
            for e in self.enrolments
        ]

    def results(self) -> list[tuple[int, bool, bool | None, Any]]:
        out = []
        for e in self.enrolments:
            verdict = self.cleaned_data[f"passed_{e.pk}"]
            out.append(
                (
                    e.volunteer_id,
                    self.cleaned_data[f"attended_{e.pk}"],
                    None if verdict == "" else verdict == "yes",
                    self.cleaned_data[f"score_{e.pk}"],
                )
            )
        return out


# --- lists and the check ----------------------------------------------------------------------


class ExpiringFilterForm(forms.Form):
    within = forms.IntegerField(
        label=_("Expiring within (days)"), min_value=0, max_value=365, required=False
    )


class EligibilityForm(forms.Form):
    """A requirement as a task would state it, and the organization whose people to check."""

    organization = OrganizationSearchField(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills (all of)"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_level = forms.TypedChoiceField(
        label=_("at least at level"), choices=LEVELS, coerce=int, initial=1
    )
    qualifications = forms.ModelMultipleChoiceField(
        label=_("Qualifications (any of)"),
        queryset=QualificationType.objects.filter(is_active=True, is_insurance=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    verified_only = forms.BooleanField(
        label=_("Only verified qualifications count"), required=False, initial=True
    )
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=120, required=False)
    insurance = forms.BooleanField(label=_("Accident insurance required"), required=False)

    def __init__(self, *args: Any, user: Actor | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organization_choices = (
            organization_list(user=user).select_related("region").order_by("path")
        )
        field = cast(forms.ModelChoiceField, self.fields["organization"])
        field.queryset = self.organization_choices
