"""The shift requirements editor: skills and qualification types picked by name, in rows.

A person never types the stored JSON (``Shift.requirements``): the editor turns rows into that
format, and the service (``requirement_clean``) still checks it, as it does for the API. Adding a
row posts the form back with one more row (htmx swaps only the editor; without JavaScript the
whole page comes back), so nothing typed so far is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from vetserve.core.forms import CHOOSE
from vetserve.skills.forms import LEVELS
from vetserve.skills.models import QualificationType, Skill

# Rows per kind: a shift asking more than this has been mistyped, and it keeps a post bounded.
MAX_ROWS = 20
ADD = "req-add"


class SkillNeedForm(forms.Form):
    """One skill the shift needs, at least at a level; a row left on "choose…" is no row."""

    skill = forms.ModelChoiceField(
        label=_("skill"), queryset=Skill.objects.none(), required=False, empty_label=CHOOSE
    )
    level = forms.TypedChoiceField(
        label=_("at least at level"), choices=LEVELS, coerce=int, initial=1
    )

    def __init__(self, *args: Any, skills: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["skill"]).queryset = skills


class QualificationGroupForm(forms.Form):
    """Qualification types of which one valid one is needed (急救员证 or 护士执业证书)."""

    types = forms.ModelMultipleChoiceField(
        label=_("one of these qualifications"),
        queryset=QualificationType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["types"]).queryset = types


class ConditionsForm(forms.Form):
    """The conditions that are not skills or qualifications (bounds as ``requirement_clean``)."""

    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=120, required=False)
    health_within_days = forms.IntegerField(
        label=_("Health declaration within (days)"), min_value=1, max_value=3650, required=False
    )
    verified_only = forms.BooleanField(
        label=_("Only verified qualifications count"), required=False, initial=True
    )
    insurance_required = forms.BooleanField(label=_("Accident insurance required"), required=False)


class RowFormSet(forms.BaseFormSet):
    """Every row is read, even one that looks unchanged: a row is empty when nothing is picked
    in it (each row form's fields are optional), not when it matches what was shown."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form: forms.Form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        form.empty_permitted = False
        return form


_ROWS: dict[str, Any] = {
    "formset": RowFormSet,
    "extra": 1,
    "can_delete": True,
    "max_num": MAX_ROWS,
    "validate_max": True,
    "absolute_max": MAX_ROWS,
}
SkillNeedFormSet = formset_factory(SkillNeedForm, **_ROWS)
QualificationGroupFormSet = formset_factory(QualificationGroupForm, **_ROWS)


def _with_one_more_row(data: Mapping[str, Any], prefix: str) -> Any:
    """The posted data with the formset's form count raised by one (the "add a row" button)."""
    copy = data.copy()  # type: ignore[attr-defined]
    key = f"{prefix}-TOTAL_FORMS"
    try:
        count = int(copy.get(key, 0))
    except ValueError:
        count = 0
    copy[key] = str(min(count + 1, MAX_ROWS))
    return copy


class RequirementsEditor:
    """The three parts of the editor (skill rows, qualification rows, other conditions), used
    by the add-a-shift, recurring-shifts and change-a-shift pages alike."""

    def __init__(self, data: Mapping[str, Any] | None = None, *, stored: Any = None) -> None:
        stored = stored if isinstance(stored, dict) else {}
        # A shift may keep a skill or type that was retired from the catalogue since.
        used_skills = [s for s, _level in stored.get("skills", [])]
        used_types = [t for group in stored.get("qualification_groups", []) for t in group]
        skills = Skill.objects.filter(Q(is_active=True) | Q(pk__in=used_skills)).order_by("name")
        types = QualificationType.objects.filter(
            Q(is_active=True, is_insurance=False) | Q(pk__in=used_types)
        ).order_by("name")
        # Which part's "add a row" button was pressed, if any: then the page comes back.
        self.adding = data.get(ADD, "") if data is not None else ""
        skill_data = group_data = data
        if self.adding == "skill" and data is not None:
            skill_data = _with_one_more_row(data, "req-skills")
        if self.adding == "group" and data is not None:
            group_data = _with_one_more_row(data, "req-groups")
        self.skills = SkillNeedFormSet(
            skill_data,
            prefix="req-skills",
            initial=[{"skill": s, "level": level} for s, level in stored.get("skills", [])],
            form_kwargs={"skills": skills},
        )
        self.groups = QualificationGroupFormSet(
            group_data,
            prefix="req-groups",
            initial=[{"types": list(g)} for g in stored.get("qualification_groups", [])],
            form_kwargs={"types": types},
        )
        self.conditions = ConditionsForm(
            data,
            prefix="req",
            initial={
                "min_age": stored.get("min_age"),
                "max_age": stored.get("max_age"),
                "health_within_days": stored.get("health_within_days"),
                "verified_only": stored.get("verified_only", True),
                "insurance_required": stored.get("insurance_required", False),
            },
        )

    def is_valid(self) -> bool:
        parts = (self.skills.is_valid(), self.groups.is_valid(), self.conditions.is_valid())
        return all(parts) and not self.adding

    def add_error(self, error: Any) -> None:
        """A service's complaint about the requirements, shown above the editor."""
        self.conditions.add_error(None, error)

    def cleaned(self) -> dict[str, Any]:
        """The requirements in the stored format (``Shift.requirements``); call after
        ``is_valid``. Rows left empty or marked for removal are no rows."""
        out: dict[str, Any] = {}
        skills = [
            [f.cleaned_data["skill"].pk, f.cleaned_data["level"]]
            for f in self.skills.forms
            if f.cleaned_data.get("skill") and not f.cleaned_data.get("DELETE")
        ]
        if skills:
            out["skills"] = skills
        groups = [
            sorted(t.pk for t in f.cleaned_data["types"])
            for f in self.groups.forms
            if f.cleaned_data.get("types") and not f.cleaned_data.get("DELETE")
        ]
        if groups:
            out["qualification_groups"] = groups
        c = self.conditions.cleaned_data
        for key in ("min_age", "max_age", "health_within_days"):
            if c.get(key) is not None:
                out[key] = c[key]
        # Verified qualifications only is the default (see shift_requirement); store the exception.
        if not c.get("verified_only"):
            out["verified_only"] = False
        if c.get("insurance_required"):
            out["insurance_required"] = True
        return out
