from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import VIEW
from vetserve.core.bounds import bounded_formfield
from vetserve.core.places import code_to_id
from vetserve.core.widgets import SearchChoiceField
from vetserve.regions.models import Region

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# The code inside a label: 崇礼区（130709）.
_CODE_IN_LABEL = re.compile(r"[（(](\d{6,12})[)）]\s*$")


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


class RegionSearchField(SearchChoiceField):
    """A region picked by searching (``regions:search``) rather than from a list of them all.

    Besides the id the script submits, a typed name ("崇礼区"), the label shown ("崇礼区（130709）")
    or the official code (130709) is understood without JavaScript."""

    def __init__(
        self, queryset: Any, *, action: str = VIEW, within: str = "", **kwargs: Any
    ) -> None:
        params = {"action": action, **({"within": within} if within else {})}
        super().__init__(queryset, url_name="regions:search", params=params, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        code = _CODE_IN_LABEL.search(text)
        if code and not text.isdigit():
            text = code.group(1)
        if text.isdigit() and len(text) < 12:
            text = str(code_to_id(text))  # an official code, as printed on the region's page
        return super().to_python(text)
