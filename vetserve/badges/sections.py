"""What badges add to other apps' pages: the badge number column of the roster export
(registered in ``people.exporting.EXPORT_COLUMNS`` when the apps are ready)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vetserve.badges.selectors import badge_numbers
from vetserve.core.access import Actor
from vetserve.people.exporting import ExportColumns


def _titles() -> list[str]:
    return [_("Badge number")]


def _values(actor: Actor | None, volunteer_ids: list[int]) -> dict[int, list[str]]:
    return {
        pk: [number]
        for pk, number in badge_numbers(user=actor, volunteer_ids=volunteer_ids).items()
    }


export_badge_number = ExportColumns(order=20, titles=_titles, values=_values)
