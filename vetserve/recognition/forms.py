"""Forms of recognition: awards, evaluations, team honours, star rules and grants, and the
choice of an honour roll. Bounds come from the models (``core.bounds``)."""

from __future__ import annotations

import itertools
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import DATES
from vetserve.ledger.models import YEARS
from vetserve.recognition.models import (
    COMMENT_MAX,
    DOCUMENT_EXTENSIONS,
    NAME_MAX,
    RATINGS,
    STAR_HOURS,
    UNIT_MAX,
    Grade,
    HonourKind,
    HonourLevel,
)

_DATE = forms.DateInput(attrs={"type": "date"})


class HonourForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    awarded_on = forms.DateField(label=_("Date"), widget=_DATE, validators=[DATES.validator()])
    granting_unit = forms.CharField(label=_("Granting unit"), max_length=UNIT_MAX)
    level = forms.ChoiceField(label=_("Level"), choices=HonourLevel.choices)
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("A scan of the certificate: PDF, JPG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in DOCUMENT_EXTENSIONS)}
        ),
    )

    def __init__(self, *args: Any, team: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = HonourKind.choices if team else [
            c for c in HonourKind.choices if c[0] != HonourKind.FLAG
        ]  # fmt: skip
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(
        label=_("Evaluation date"), widget=_DATE, validators=[DATES.validator()]
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(n, "★" * n) for n in range(RATINGS.low, RATINGS.high + 1)]],
    )
    grade = forms.ChoiceField(
        label=_("Or a grade"), required=False, choices=[("", "—"), *Grade.choices]
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("rating") is None) == (not data.get("grade")):
            raise forms.ValidationError(
                _("Give either a rating of one to five or a grade, not both.")
            )
        return data


def _hours_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=STAR_HOURS.low, max_value=STAR_HOURS.high)


class StarSettingsForm(forms.Form):
    federation = forms.TypedChoiceField(label=_("Federation"), coerce=int)
    star1_hours = _hours_field(_("1 star (hours)"))
    star2_hours = _hours_field(_("2 stars (hours)"))
    star3_hours = _hours_field(_("3 stars (hours)"))
    star4_hours = _hours_field(_("4 stars (hours)"))
    star5_hours = _hours_field(_("5 stars (hours)"))
    grant_required = forms.BooleanField(
        label=_("Stars count only once an administrator grants them"), required=False
    )

    def __init__(self, *args: Any, federations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["federation"].choices = [(f.pk, f.name) for f in federations]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = [data.get(f"star{n}_hours") for n in range(1, 6)]
        if all(v is not None for v in values) and any(
            a >= b  # type: ignore[operator]
            for a, b in itertools.pairwise(values)
        ):
            raise forms.ValidationError(_("Each star needs more hours than the star below it."))
        return data


class RollForm(forms.Form):
    """Which roll: a year, a campaign, a region (county or city), or a combination."""

    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=YEARS.low, max_value=YEARS.high
    )
    campaign = forms.TypedChoiceField(
        label=_("Campaign"), required=False, coerce=int, empty_value=None
    )
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, campaigns: Any = (), regions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", "—"), *[(c.pk, c.name) for c in campaigns]]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", "—"), *[(r.pk, r.name) for r in regions]]  # type: ignore[attr-defined]
