"""What attendance adds to other apps' pages: service hours of a team's members, and a
volunteer's hours and attendance history (registered in ``orgs.views.DETAIL_SECTIONS`` and
``people.views.volunteer.VOLUNTEER_SECTIONS``). Hours are read through
``selectors.service_hours`` alone, which the hours ledger replaces."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.attendance.selectors import (
    attendance_history,
    service_hours,
    service_hours_by_volunteer,
)
from vetserve.core.access import Actor
from vetserve.orgs.models import Organization
from vetserve.people.exporting import ExportColumns
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_list

HISTORY_PER_PAGE = 20


def team_hours(*, request: Any, user: Actor | None, org: Organization) -> dict[str, Any]:
    return {
        "template": "attendance/_hours.html",
        "order": 5,
        "hours": service_hours(user=user, volunteers=volunteer_list(user=user, organization=org)),
        "year": timezone.localdate().year,
        "team": True,
    }


def volunteer_hours(
    *, request: Any, user: Actor | None, volunteer: Volunteer, own: bool
) -> dict[str, Any]:
    return {
        "template": "attendance/_hours.html",
        "order": 5,
        "hours": service_hours(user=user, volunteers=Volunteer.objects.filter(pk=volunteer.pk)),
        "year": timezone.localdate().year,
        "team": False,
    }


def volunteer_attendance(
    *, request: Any, user: Actor | None, volunteer: Volunteer, own: bool
) -> dict[str, Any]:
    """The volunteer's check-ins and check-outs, paged (?page=), dates with the year."""
    page = Paginator(attendance_history(user=user, volunteer=volunteer), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {
        "template": "attendance/_history.html",
        "order": 40,
        "page_obj": page,
        "stays": page.object_list,
    }


def _hours_titles() -> list[str]:
    return [_("Service hours this year"), _("Service hours in all")]


def _hours_values(actor: Actor | None, volunteer_ids: list[int]) -> dict[int, list[str]]:
    hours = service_hours_by_volunteer(user=actor, volunteer_ids=volunteer_ids)
    zero = ["0.0", "0.0"]
    return {
        pk: [str(hours[pk].this_year), str(hours[pk].total)] if pk in hours else zero
        for pk in volunteer_ids
    }


# The roster export's hours columns (registered in ``people.exporting.EXPORT_COLUMNS``).
export_hours = ExportColumns(order=10, titles=_hours_titles, values=_hours_values)
