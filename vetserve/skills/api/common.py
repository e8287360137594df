"""What the skills endpoints share: finding a catalogue row by its code."""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field
from pydantic import StringConstraints

# A skill level (the models' 1–3) and a catalogue code (the slug columns' length).
SkillLevel = Annotated[int, Field(ge=1, le=3, strict=True)]
CatalogueCode = Annotated[str, StringConstraints(max_length=40)]


def by_code(model: Any, code: str, field: str) -> Any:
    row = model.objects.filter(code=code).first()
    if row is None:
        raise ValidationError({field: _("Unknown code: %(code)s") % {"code": code}})
    return row
