"""Bounds on stored values: one range per field, enforced the same way everywhere.

A ``Bound`` is a closed range ``[low, high]``. Each bounded model field carries its
``validator()`` (so a ModelForm, ``full_clean`` and the forms built from the model field refuse
with a message naming the limit) and its model carries ``constraint(...)``, a database CHECK,
so SQLite (which keeps any number in any column) and PostgreSQL refuse the same values. The
spreadsheet imports and the API schemas read the same constants (``low``, ``high``).

The numbers are chosen so that no real office ever reaches them but absurd values (a longitude
of 1e12, study hours of 1e10, a year of 67556) stop at the door: every app keeps its own bounds
as named constants at the top of its ``models.py``; those shared by several apps live here.

Values stored before the bounds existed were clamped or emptied by the migrations that added
the constraints (``clamp_out_of_range``); pages still load a value that cannot be read back
(``SafeDecimalField``) as empty rather than answer 500.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_M = TypeVar("_M", bound=models.Model)


@deconstructible
class InRange:
    """Refuses a value outside ``[low, high]``, naming both limits."""

    message = _("Enter a value from %(low)s to %(high)s.")
    code = "out_of_range"

    def __init__(self, low: Any, high: Any) -> None:
        self.low, self.high = low, high

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        try:
            inside = self.low <= value <= self.high
        except (TypeError, decimal.InvalidOperation):
            inside = False
        if not inside:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"low": _shown(self.low), "high": _shown(self.high), "value": value},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InRange) and (self.low, self.high) == (other.low, other.high)

    def __hash__(self) -> int:
        return hash((self.low, self.high))


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


@dataclass(frozen=True)
class Bound:
    """A closed range of allowed values for one kind of field."""

    low: Any
    high: Any

    def __contains__(self, value: Any) -> bool:
        try:
            return bool(self.low <= value <= self.high)
        except (TypeError, decimal.InvalidOperation):
            return False

    def validator(self) -> InRange:
        return InRange(self.low, self.high)

    def message(self) -> str:
        """What a person is told when a value falls outside, in the active language."""
        return str(InRange.message) % {"low": _shown(self.low), "high": _shown(self.high)}

    def q(self, field: str) -> models.Q:
        return models.Q(**{f"{field}__gte": self.low, f"{field}__lte": self.high})

    def outside(self, field: str) -> models.Q:
        return models.Q(**{f"{field}__lt": self.low}) | models.Q(**{f"{field}__gt": self.high})

    def constraint(self, model: str, field: str, *, null: bool = False) -> models.CheckConstraint:
        """The CHECK for ``field`` of ``model`` (a short lower-case name, for the constraint's
        name); NULL passes where the field may be empty."""
        condition = self.q(field)
        if null:
            condition |= models.Q(**{f"{field}__isnull": True})
        return models.CheckConstraint(condition=condition, name=f"{model}_{field}_range")


def text_constraint(model: str, field: str, limit: int) -> models.CheckConstraint:
    """A CHECK on a text column's length: PostgreSQL's ``text`` and every SQLite column take
    any length, so a TextField's ``max_length`` is enforced here as well as in forms."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit), name=f"{model}_{field}_length"
    )


# Calendar days anyone records: founding dates, birth dates, certificates, shifts. Nothing
# VetServe keeps happened before 1900 or is planned after 2099.
DATES = Bound(date(1900, 1, 1), date(2099, 12, 31))
# The same span for moments; stored in UTC.
MOMENTS = Bound(datetime(1900, 1, 1, tzinfo=UTC), datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC))
# China's extent in decimal degrees (73°33′E–135°05′E, 3°51′N–53°33′N), rounded outwards.
LONGITUDES = Bound(Decimal(73), Decimal(136))
LATITUDES = Bound(Decimal(3), Decimal(54))
# Years of military service: from the founding of the army (1927) on.
SERVICE_YEARS = Bound(1927, 2099)


def clamp_out_of_range(
    apps: Any, schema_editor: Any, label: str, bounds: dict[str, Bound], *, null: set[str]
) -> None:
    """For the migrations adding the CHECKs: values stored before them that lie outside their
    bound become empty (``null`` fields) or the nearest limit (the others), so adding the
    constraint cannot fail on an existing database. Nothing is audited: a migration is not a
    person's write; each migration's docstring says which fields it touched and how."""
    model = apps.get_model(label)
    manager = model._base_manager.using(schema_editor.connection.alias)
    for field, bound in bounds.items():
        if field in null:
            manager.filter(bound.outside(field)).update(**{field: None})
        else:
            manager.filter(**{f"{field}__lt": bound.low}).update(**{field: bound.low})
            manager.filter(**{f"{field}__gt": bound.high}).update(**{field: bound.high})
    _no_pending_checks(schema_editor)


def _no_pending_checks(schema_editor: Any) -> None:
    # PostgreSQL refuses ALTER TABLE (adding the CHECK) on a table with deferred foreign-key
    # checks pending in the same transaction; run them now.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def truncate_long_text(apps: Any, schema_editor: Any, label: str, limits: dict[str, int]) -> None:
    """For the migrations adding the length CHECKs: text stored before them is cut to the
    limit (the end of an over-long text is lost; nothing real is that long)."""
    model = apps.get_model(label)
    manager = model._base_manager.using(schema_editor.connection.alias)
    for field, limit in limits.items():
        for pk, text in (
            manager.annotate(n=Length(field)).filter(n__gt=limit).values_list("pk", field)
        ):
            manager.filter(pk=pk).update(**{field: text[:limit]})
    _no_pending_checks(schema_editor)


class SafeDecimalField(models.DecimalField):
    """A DecimalField whose stored value, if it cannot be read back at the field's precision,
    loads as empty instead of raising.

    SQLite keeps any number in a decimal column; Django then quantizes it to ``max_digits``
    when reading and raises InvalidOperation, so one region with a longitude of 1e12 made every
    page that loads the region answer 500. The CHECK constraints keep such values out now; this
    keeps any that got in before (or past a constraint dropped by hand) from breaking pages.
    """

    @property
    def context(self) -> decimal.Context:
        # No trap: a value too long for the precision becomes NaN, turned into None below.
        return decimal.Context(prec=self.max_digits, traps=[])

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, Decimal) and not value.is_finite():
            return None
        return value


def bounded_formfield(model_field: Any, **kwargs: Any) -> Any:
    """The form field Django makes for ``model_field``, refusing what the model's bounds refuse
    (Django does not carry a model field's validators over to its form field)."""
    field = model_field.formfield(**kwargs)
    for validator in model_field.validators:
        if isinstance(validator, InRange):
            field.validators.append(validator)
            if isinstance(validator.low, int | Decimal):
                field.widget.attrs.setdefault("min", str(validator.low))
                field.widget.attrs.setdefault("max", str(validator.high))
    return field


def bounds_errors(instance: models.Model) -> dict[str, list[str]]:
    """The bounds an object's fields break, by field name (empty: none). Services call it
    through ``check_bounds`` so the page, the API, the import and the command refuse alike."""
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if value is None or value == "":
            continue
        try:
            value = field.to_python(value)  # "2031-01-01" from a caller, as save() would
        except ValidationError:
            continue  # not a value of the field's kind at all; the field's own check says so
        for validator in field.validators:
            if isinstance(validator, InRange | MaxLengthValidator):
                try:
                    validator(value)
                except ValidationError as exc:
                    errors.setdefault(field.name, []).extend(exc.messages)
    return errors


def check_bounds(instance: models.Model) -> None:
    errors = bounds_errors(instance)
    if errors:
        raise ValidationError(errors)


def create_checked(model: type[_M], **values: Any) -> _M:
    """``model.objects.create(**values)``, refusing out-of-bounds values with a
    ValidationError (a 400 in the API, a form error on a page) before the CHECK would."""
    instance = model(**values)
    check_bounds(instance)
    instance.save(force_insert=True)
    return instance
