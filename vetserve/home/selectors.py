"""Reads of the home pages: each section a fixed number of queries, whatever the area's size.

A section is shown when the pages behind it would open for the viewer (the predicates of
``core.access``), so a person with several grants sees the sections of each, and nobody sees a
count whose list would answer 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from vetserve.accounts.models import User
from vetserve.activities.models import Activity, Shift, SignUp, Status
from vetserve.activities.selectors import activity_list, my_signups, shift_list
from vetserve.attendance.selectors import attendance_exceptions, served_minutes
from vetserve.audit.models import AuditEntry
from vetserve.core.access import (
    AUDIT,
    CHANGE,
    administers_regions,
    can,
    leads_teams,
    may_change_somewhere,
    may_see_any_stats,
)
from vetserve.core.paging import count_upto
from vetserve.ledger.selectors import claims_to_decide, hours_due_counts
from vetserve.people.models import Volunteer
from vetserve.people.selectors import correction_requests_open, volunteer_own
from vetserve.skills.selectors import qualifications_expiring

# How many rows a section shows before its "all N" link; the counts are of the whole list.
SECTION_ROWS = 5
LEADER_ROWS = 8
# "Upcoming" on the home pages: the fortnight a leader or an office plans for.
UPCOMING_DAYS = 14
# Qualifications expiring within this many days are in the work queue (the expiring page's
# default window is wider; a month leaves time to renew).
EXPIRING_DAYS = 30
# Audit entries of the last week: what an auditor has not read yet, roughly.
AUDIT_DAYS = 7
# A home page count past this shows as "999+": its list pages and counts the rest.
HOME_COUNT_CAP = 999


@dataclass
class VolunteerSection:
    volunteer: Volunteer
    next_signups: list[SignUp]
    signup_count: int
    minutes_this_year: int
    open_activities: list[Activity]
    open_activity_count: int


@dataclass
class LeaderSection:
    shifts: list[Shift]
    shift_count: int


@dataclass
class QueueItem:
    """One kind of thing awaiting the viewer: how many, and the page listing them."""

    label: str
    count: int
    url: str
    urgent: bool = False
    capped: bool = False  # at least ``count``: shown as "999+"


@dataclass
class WorkQueue:
    items: list[QueueItem] = field(default_factory=list)


def start_of_year(now: datetime | None = None) -> datetime:
    """Midnight of 1 January where the users are (Asia/Shanghai)."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def upcoming_shifts(*, user: User, now: datetime | None = None) -> QuerySet[Shift]:
    """Shifts the user may lead (check people in on) that have not ended, soonest first."""
    now = now or timezone.now()
    return (
        shift_list(user=user, action=CHANGE)
        .filter(ends_at__gt=now)
        .order_by("starts_at", "post", "id")
    )


def unstaffed_shifts(*, user: User, now: datetime | None = None) -> QuerySet[Shift]:
    """Upcoming shifts (within the fortnight) with fewer confirmed people than their minimum."""
    now = now or timezone.now()
    # confirmed_count is shift_list's annotation (activities.selectors.with_counts), which
    # django-stubs cannot see through the returned QuerySet type.
    return upcoming_shifts(user=user, now=now).filter(  # type: ignore[misc]
        starts_at__lt=now + timedelta(days=UPCOMING_DAYS), confirmed_count__lt=F("min_people")
    )


def _volunteer_section(user: User, own: Volunteer, now: datetime) -> VolunteerSection:
    signups = my_signups(user=user)
    # Open activities near the person: their own team's first, then their home county's
    # (the region of their team), then the rest they may see; soonest first within each.
    low, high = own.home_org.region.id_range if own.home_org_id else (0, -1)
    near = (
        activity_list(user=user, starts_from=now)
        # Open for sign-up: published, or under way with shifts still to come.
        .filter(status__in=(Status.PUBLISHED, Status.UNDER_WAY))
        .annotate(
            nearness=Case(
                When(organization_id=own.home_org_id, then=Value(0)),
                When(region_id__gte=low, region_id__lte=high, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("nearness", "starts_at", "id")
    )
    return VolunteerSection(
        volunteer=own,
        next_signups=list(signups[:SECTION_ROWS]),
        signup_count=signups.count(),
        minutes_this_year=served_minutes(volunteer=own.pk, since=start_of_year(now)),
        open_activities=list(near[:SECTION_ROWS]),
        open_activity_count=near.count(),
    )


def _work_queue(user: User, now: datetime) -> WorkQueue:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    queue = WorkQueue()
    corrections = correction_requests_open(user=user).count()
    queue.items.append(
        QueueItem(
            _("Correction requests awaiting approval"),
            corrections,
            reverse("people:corrections"),
            urgent=corrections > 0,
        )
    )
    exceptions = attendance_exceptions(user=user).count()
    queue.items.append(
        QueueItem(
            _("Attendance exceptions to confirm"),
            exceptions,
            reverse("attendance:exceptions"),
            urgent=exceptions > 0,
        )
    )
    unstaffed = unstaffed_shifts(user=user, now=now).count()
    queue.items.append(
        QueueItem(
            _("Shifts short of people in the next %(days)d days") % {"days": UPCOMING_DAYS},
            unstaffed,
            reverse("home:shifts") + "?need=short",
            urgent=unstaffed > 0,
        )
    )
    claims = claims_to_decide(user=user).count()
    queue.items.append(
        QueueItem(
            _("Hours claims awaiting approval"),
            claims,
            reverse("ledger:claims") + "?state=pending",
            urgent=claims > 0,
        )
    )
    overdue, due_this_week = hours_due_counts(
        user=user, today=timezone.localdate(now), most=HOME_COUNT_CAP + 1
    )
    queue.items.append(
        QueueItem(
            _("Activities with hours overdue"),
            min(overdue, HOME_COUNT_CAP),
            reverse("ledger:overdue"),
            urgent=overdue > 0,
            capped=overdue > HOME_COUNT_CAP,
        )
    )
    queue.items.append(
        QueueItem(
            _("Activities with hours due this week"),
            min(due_this_week, HOME_COUNT_CAP),
            reverse("ledger:overdue") + "?due=week",
            capped=due_this_week > HOME_COUNT_CAP,
        )
    )
    expiring = qualifications_expiring(user=user, within_days=EXPIRING_DAYS).count()
    queue.items.append(
        QueueItem(
            _("Qualifications expiring within %(days)d days") % {"days": EXPIRING_DAYS},
            expiring,
            reverse("skills:expiring") + f"?within={EXPIRING_DAYS}",
        )
    )
    return queue


def home_sections(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything the home page shows the user, section by section (absent: not theirs)."""
    now = now or timezone.now()
    sections: dict[str, Any] = {}
    own = volunteer_own(user=user)
    if own is not None:
        sections["volunteer"] = _volunteer_section(user, own, now)
    if leads_teams(user):
        shifts = upcoming_shifts(user=user, now=now)
        sections["leader"] = LeaderSection(
            shifts=list(shifts[:LEADER_ROWS]), shift_count=shifts.count()
        )
    # The region's dashboard (stats): federation staff and auditors of a region.
    sections["dashboard"] = may_see_any_stats(user)
    if may_change_somewhere(user):
        sections["queue"] = _work_queue(user, now)
        sections["administers"] = administers_regions(user)
    if can(user, AUDIT):
        recent = AuditEntry.objects.visible_to(user, AUDIT).filter(
            at__gte=now - timedelta(days=AUDIT_DAYS)
        )
        sections["audit_recent"] = capped_count(recent)
    return sections


def capped_count(rows: QuerySet[Any], cap: int = HOME_COUNT_CAP) -> str:
    """How many ``rows`` there are as a home page shows it: exact up to ``cap``, "999+" past
    it. A city's audit entries of one week are ~94,000 at 10× (58 ms to count exactly on
    every view of the home page); counting at most ``cap + 1`` index entries stays ~1 ms."""
    seen = count_upto(rows, cap + 1)
    return f"{cap}+" if seen > cap else str(seen)
