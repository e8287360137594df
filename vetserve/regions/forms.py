from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import bounded_formfield
from vetserve.regions.models import Region

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def _coordinate(name: str, help_text: _StrOrPromise) -> forms.DecimalField:
    model_field = Region._meta.get_field(name)
    assert isinstance(model_field, models.DecimalField)
    field = bounded_formfield(model_field, help_text=help_text)
    assert isinstance(field, forms.DecimalField)
    field.widget.attrs.update({"inputmode": "decimal", "step": "0.000001"})
    return field


class RegionEditForm(forms.Form):
    """Name and centre point; the code is the region's identity and never changes."""

    name = forms.CharField(label=_("Name"), max_length=100)
    lon = _coordinate("lon", _("Decimal degrees east, e.g. 115.281."))
    lat = _coordinate("lat", _("Decimal degrees north, e.g. 40.974."))


class RegionCreateForm(RegionEditForm):
    code = forms.CharField(
        label=_("Official code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    field_order = ["code", "name", "lon", "lat"]
