"""What several of the people pages need: the volunteer to change (404 or 403), a person's
age, and the protected numbers in the order the pages show them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vetserve.core.access import (
    Actor,
    may_change_volunteer,
)
from vetserve.people.models import (
    Volunteer,
)
from vetserve.people.selectors import (
    access_volunteer,
)

# The protected numbers, in the order the volunteer's page shows them.
PROTECTED = ("id_number", "phone", "emergency_phone", "discharge_doc")


def volunteer_to_change(user: Actor | None, volunteer_id: Any) -> Volunteer:
    """404 for someone who cannot see the volunteer, 403 for someone who only sees them."""
    volunteer = access_volunteer(user, volunteer_id)
    if not may_change_volunteer(user, volunteer):
        raise PermissionDenied(_("You may not change this volunteer's record."))
    return volunteer


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
