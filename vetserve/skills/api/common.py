"""What the skills endpoints share: finding a catalogue row by its code."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def by_code(model: Any, code: str, field: str) -> Any:
    row = model.objects.filter(code=code).first()
    if row is None:
        raise ValidationError({field: _("Unknown code: %(code)s") % {"code": code}})
    return row
