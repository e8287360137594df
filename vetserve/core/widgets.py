"""A select that scales: a search box over a scoped endpoint instead of every option.

A ``<select>`` over the 671 organizations of a city rendered (and sent) every option and had
no search (issue 13); rendering them cost 60–97 ms at ten times the data (issue 14). The
``SearchSelect`` widget renders only the chosen option's label, in a text box: with JavaScript
(``vetserve/search-select.js``) typing asks the field's search endpoint for at most 20 matches
and picking one fills a hidden input with its id; without JavaScript the box itself is
submitted and ``SearchChoiceField`` reads the typed name or number. Either way the server
checks the value against the field's queryset, which holds only what the user may choose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

# Matches the search endpoints return at most (the rest: type more).
SEARCH_LIMIT = 20
# How the label of an option ends: "崇礼区（130709）", "救援队（崇礼区）".
_QUALIFIER = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")


@dataclass(frozen=True)
class SearchRow:
    """One match a search endpoint offers: the id submitted, the label shown once picked, and
    a detail that tells namesakes apart (shown in the list only)."""

    value: int
    label: str
    detail: str = ""


class SearchSelect(forms.Widget):
    """A text box that searches ``url_name`` and submits the chosen row's id.

    ``params`` travel with each search (e.g. ``{"action": "change"}``: the endpoint offers
    what the form's queryset will accept). The label of the current value is looked up alone,
    in one query, through the field's own ``to_python`` and ``label_from_instance``.
    """

    template_name = "core/widgets/search_select.html"

    def __init__(
        self,
        url_name: str,
        *,
        params: dict[str, str] | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.url_name = url_name
        self.params = params or {}
        self.choices: Any = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> SearchSelect:
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        return copy

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # search-select.js posts the picked id under the field's name; without it the text
        # box goes under the same name, and the field reads the typed text.
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def _label(self, value: Any) -> tuple[str, str]:
        """(id, label) of the current value: a row of the queryset, or the text as typed."""
        if value in (None, ""):
            return "", ""
        if isinstance(value, Model):
            value = value.pk
        text = str(value)
        field = getattr(self.choices, "field", None)
        if field is None or field.queryset is None:
            return "", text
        try:
            # The field's own reading (an id, a code, a typed name): one query.
            obj = field.to_python(text)
        except ValidationError:
            return "", text  # shown as typed, beside the field's error
        if obj is None:
            return "", ""
        return str(obj.pk), field.label_from_instance(obj)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen, label = self._label(value)
        widget = context["widget"]
        widget["chosen"] = chosen
        widget["label"] = label
        widget["url"] = reverse(self.url_name)
        widget["params_query"] = urlencode(self.params)
        widget["listbox_id"] = f"{widget['attrs'].get('id', name)}_options"
        return context


class SearchChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` rendered as a ``SearchSelect``; accepts the id the script fills
    in, or (without JavaScript) the name typed into the box, or the label shown for it."""

    default_error_messages = {
        "invalid_choice": _(
            "Not one you may choose here. Type part of the name and pick from the list."
        ),
        "ambiguous": _(
            "Several have this name. Type more of it and pick from the list, or give the number."
        ),
    }

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        url_name: str,
        params: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", SearchSelect(url_name, params=params))
        super().__init__(queryset, **kwargs)

    def text_query(self, text: str) -> dict[str, str]:
        """The lookup a typed name stands for; a field whose rows have another name overrides."""
        return {"name": text}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if text.isdigit():
            return super().to_python(text)
        if self.queryset is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        name = _QUALIFIER.sub("", text).strip()
        matches = list(self.queryset.filter(**self.text_query(name))[:SEARCH_LIMIT])
        if len(matches) > 1:
            # The label shown for the current value ("name（region）") tells them apart.
            matches = [m for m in matches if self.label_from_instance(m) == text] or matches
        if len(matches) == 1:
            return matches[0]
        code = "ambiguous" if matches else "invalid_choice"
        raise ValidationError(self.error_messages[code], code=code)
