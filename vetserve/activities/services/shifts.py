"""Shifts: create one, create a recurring series in one step, change one (raising the
maximum promotes from the waitlist). The windows of a series are computed in
``activities.series``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vetserve.activities import conf
from vetserve.activities.models import PEOPLE_PER_SHIFT, Activity, Shift, SignUpState, Status
from vetserve.activities.series import ShiftTemplate, Window
from vetserve.activities.services._access import require_change_activity
from vetserve.activities.services.requirements import requirement_clean
from vetserve.activities.services.signups import waitlist_promote
from vetserve.audit.services import audit_record, diff_fields
from vetserve.core.access import Actor
from vetserve.core.bounds import MOMENTS, create_checked


def _check_people(min_people: int, wanted_people: int, max_people: int) -> None:
    for name, value in (
        ("min_people", min_people),
        ("wanted_people", wanted_people),
        ("max_people", max_people),
    ):
        if value not in PEOPLE_PER_SHIFT:
            raise ValidationError({name: PEOPLE_PER_SHIFT.message()}, code="out_of_range")
    if max_people < 1 or not (0 <= min_people <= wanted_people <= max_people):
        raise ValidationError(
            {"max_people": _("People needed must read minimum ≤ wanted ≤ maximum, maximum ≥ 1.")},
            code="people",
        )


def _check_window(activity: Activity, starts_at: datetime, ends_at: datetime) -> None:
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment not in MOMENTS:
            raise ValidationError({name: MOMENTS.message()}, code="out_of_range")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end lies before the start.")}, code="period")
    if activity.status in (Status.FINISHED, Status.CANCELLED):
        raise ValidationError(_("A finished or cancelled activity takes no new shifts."))


@transaction.atomic
def shift_create(
    *,
    actor: Actor | None,
    activity: Activity,
    post: str,
    starts_at: datetime,
    ends_at: datetime,
    min_people: int = 1,
    wanted_people: int = 1,
    max_people: int = 1,
    requirements: Any = None,
    notes: str = "",
) -> Shift:
    require_change_activity(actor, activity)
    _check_window(activity, starts_at, ends_at)
    _check_people(min_people, wanted_people, max_people)
    shift = create_checked(
        Shift,
        activity=activity,
        post=post.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        min_people=min_people,
        wanted_people=wanted_people,
        max_people=max_people,
        requirements=requirement_clean(requirements),
        notes=notes,
    )
    audit_record(
        actor=actor,
        action="shift.create",
        obj=shift,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
    )
    return shift


@transaction.atomic
def shift_series_create(
    *,
    actor: Actor | None,
    activity: Activity,
    template: ShiftTemplate,
    windows: Sequence[Window],
) -> list[Shift]:
    """Many shifts in one step (every Saturday; 3 shifts a day for 60 days), one series id."""
    require_change_activity(actor, activity)
    if not windows:
        raise ValidationError(_("These settings make no shifts."), code="empty")
    if len(windows) > conf.max_series_shifts():
        raise ValidationError(
            _("At most %(n)d shifts in one step.") % {"n": conf.max_series_shifts()},
            code="too_many",
        )
    for begin, finish in windows:
        _check_window(activity, begin, finish)
    _check_people(template.min_people, template.wanted_people, template.max_people)
    requirements = requirement_clean(template.requirements)
    series = uuid.uuid4()
    shifts = Shift.objects.bulk_create(
        Shift(
            activity=activity,
            post=template.post.strip(),
            starts_at=begin,
            ends_at=finish,
            min_people=template.min_people,
            wanted_people=template.wanted_people,
            max_people=template.max_people,
            requirements=requirements,
            notes=template.notes,
            series=series,
        )
        for begin, finish in windows
    )
    audit_record(
        actor=actor,
        action="shift.series_create",
        obj=activity,
        changes={"series": [None, str(series)], "count": [None, len(shifts)]},
    )
    return shifts


@transaction.atomic
def shift_update(
    *,
    actor: Actor | None,
    shift: Shift,
    post: str | None = None,
    min_people: int | None = None,
    wanted_people: int | None = None,
    max_people: int | None = None,
    requirements: Any = None,
    notes: str | None = None,
) -> Shift:
    """Change a shift's post, people and requirements (the window stays: people planned
    around it). Raising the maximum promotes from the waitlist at once; lowering it below
    the confirmed count is refused: nobody is dropped silently."""
    require_change_activity(actor, shift.activity)
    locked = Shift.objects.select_for_update().select_related("activity").get(pk=shift.pk)
    before = {
        "post": locked.post,
        "min_people": locked.min_people,
        "wanted_people": locked.wanted_people,
        "max_people": locked.max_people,
        "requirements": locked.requirements,
        "notes": locked.notes,
    }
    if post is not None:
        locked.post = post.strip()
    if min_people is not None:
        locked.min_people = min_people
    if wanted_people is not None:
        locked.wanted_people = wanted_people
    if max_people is not None:
        locked.max_people = max_people
    if requirements is not None:
        locked.requirements = requirement_clean(requirements)
    if notes is not None:
        locked.notes = notes
    _check_people(locked.min_people, locked.wanted_people, locked.max_people)
    confirmed = locked.signups.filter(state=SignUpState.CONFIRMED).count()
    if locked.max_people < confirmed:
        raise ValidationError(
            {
                "max_people": _("%(n)d people are confirmed; take someone off first.")
                % {"n": confirmed}
            },
            code="below_confirmed",
        )
    locked.save()
    after = {k: getattr(locked, k) for k in before}
    audit_record(
        actor=actor,
        action="shift.update",
        obj=locked,
        region_id=locked.activity.region_id,
        organization_id=locked.activity.organization_id,
        changes=diff_fields(before, after),
    )
    waitlist_promote(locked)
    return locked
