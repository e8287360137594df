"""Reads for the public face: what anyone may see (published posts, open activities, the
corps' figures, the honour rolls) and the staff's scoped lists of posts.

Nothing here returns a person's identifiers: names appear only for volunteers whose latest
publication consent is granted (PIPL Art 25), teams by their name, activities without the
person in charge. The figures are plain aggregate queries cached for ``FIGURES_SECONDS``; the
dashboards' summary tables (issue 18, ``stats``) replace them on merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from vetserve.activities.models import PUBLIC_STATUSES, Activity, Campaign
from vetserve.activities.models import Status as ActivityStatus
from vetserve.core.access import CHANGE, Actor, access_object, visible_to
from vetserve.orgs.models import Organization
from vetserve.people.models import Consent, Volunteer
from vetserve.people.models import Status as VolunteerStatus
from vetserve.public.caching import PEOPLE_GENERATION_KEY, generation
from vetserve.public.models import Kind, Post, PostPhoto, PostStatus
from vetserve.recognition.selectors import honour_roll as recognition_honour_roll
from vetserve.stats.models import LedgerMonth

FIGURES_SECONDS = 600
FIGURES_KEY = "public:figures:v1"
HONOUR_KEY = "public:honour:v1:{generation}:{limit}"
HONOUR_ROLL_SIZE = 20
TEAM_HONOURS_SIZE = 20


def _publication_consented(volunteer_ref: str) -> Subquery:
    """The volunteer's latest publication consent, granted or not (NULL: never asked)."""
    latest = (
        Consent.objects.filter(
            volunteer_id=OuterRef(volunteer_ref), purpose=Consent.Purpose.PUBLICATION
        )
        .order_by("-at", "-id")
        .values("granted")[:1]
    )
    return Subquery(latest)


def public_posts(*, kinds: tuple[str, ...] = (), at: datetime | None = None) -> QuerySet[Post]:
    """Published posts whose publish date has come, newest first; a profile of a volunteer
    only while that volunteer consents to publication and has not been erased."""
    now = at or timezone.now()
    qs = Post.objects.filter(status=PostStatus.PUBLISHED, publish_at__lte=now)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    consented = (
        Volunteer.objects.filter(pk=OuterRef("volunteer_id"), erased_at__isnull=True)
        .annotate(consent=_publication_consented("pk"))
        .filter(consent=True)
    )
    qs = qs.filter(Q(volunteer_id__isnull=True) | Exists(consented))
    return qs.select_related("region", "course", "campaign", "organization").order_by(
        "-publish_at", "-id"
    )


def public_post(post_id: Any) -> Post:
    """One public post, or 404 for a draft, a post not yet due, or a withdrawn consent."""
    post = public_posts().filter(pk=post_id).select_related("volunteer").first()
    if post is None:
        raise Http404
    return post


def post_photos(post: Post) -> list[PostPhoto]:
    return list(post.photos.all())


def public_photo(photo_id: Any) -> PostPhoto:
    """A photo of a public post (a draft's photos are the staff's, ``staff_photo``)."""
    photo = PostPhoto.objects.filter(pk=photo_id, post__in=public_posts().values("pk")).first()
    if photo is None:
        raise Http404
    return photo


def cover_photos(posts: list[Post]) -> dict[int, PostPhoto]:
    """Each post's first photo, in one query."""
    covers: dict[int, PostPhoto] = {}
    for photo in PostPhoto.objects.filter(post__in=[p.pk for p in posts]).order_by(
        "post_id", "position", "id"
    ):
        covers.setdefault(photo.post_id, photo)
    return covers


# --- the staff's side -------------------------------------------------------------------------


def post_list(*, user: Actor | None, kind: str = "", status: str = "") -> QuerySet[Post]:
    """The posts the user may publish (their region subtree), last changed first."""
    qs = visible_to(user, Post, CHANGE)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if status in PostStatus.values:
        qs = qs.filter(status=status)
    return qs.select_related("region").order_by("-updated_at", "-id")


def access_post(user: Actor | None, post_id: Any) -> Post:
    return access_object(
        Post.objects.select_related("region", "volunteer", "organization", "course", "campaign"),
        user,
        CHANGE,
        pk=post_id,
    )


def staff_photo(user: Actor | None, photo_id: Any) -> PostPhoto:
    return access_object(PostPhoto.objects.select_related("post"), user, CHANGE, pk=photo_id)


# --- the corps at a glance --------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    volunteers: int
    organizations: int
    activities: int
    service_hours: int
    flags: int


def headline_figures() -> Figures:
    """The corps' headline figures, each one aggregate query, cached for ten minutes."""
    cached = cache.get(FIGURES_KEY)
    if isinstance(cached, Figures):
        return cached
    # From the dashboards' summaries (one row per unit, month and category), not a scan of
    # the ledger: the same total (tests/stats), at any size.
    minutes = LedgerMonth.objects.aggregate(n=Sum("minutes"))["n"] or 0
    figures = Figures(
        volunteers=Volunteer.objects.filter(
            erased_at__isnull=True, merged_into__isnull=True, status=VolunteerStatus.ACTIVE
        ).count(),
        organizations=Organization.objects.filter(is_active=True).count(),
        activities=Activity.objects.filter(status__in=PUBLIC_STATUSES).count(),
        service_hours=int(minutes) // 60,
        flags=Organization.objects.filter(flag_awarded_on__isnull=False).count(),
    )
    cache.set(FIGURES_KEY, figures, FIGURES_SECONDS)
    return figures


def recent_activities(limit: int = 6) -> list[Activity]:
    """The latest activities under way or finished (title, place, date, organizer)."""
    return list(
        Activity.objects.filter(
            status__in=(ActivityStatus.UNDER_WAY, ActivityStatus.FINISHED),
            starts_at__lte=timezone.now(),
        )
        .select_related("organization", "region")
        .order_by("-starts_at", "-id")[:limit]
    )


def open_activities() -> QuerySet[Activity]:
    """Published activities not yet over, soonest first: registered volunteers log in and sign
    up on the activity's page."""
    return (
        Activity.objects.filter(
            status__in=(ActivityStatus.PUBLISHED, ActivityStatus.UNDER_WAY),
            ends_at__gt=timezone.now(),
        )
        .select_related("organization", "region", "campaign")
        .order_by("starts_at", "id")
    )


def current_campaigns(limit: int = 6) -> list[Campaign]:
    today = timezone.localdate()
    return list(
        Campaign.objects.filter(ends_on__gte=today)
        .select_related("organization")
        .order_by("starts_on", "id")[:limit]
    )


@dataclass(frozen=True)
class HonourRow:
    name: str
    team: str
    hours: int


def honour_roll(limit: int = HONOUR_ROLL_SIZE) -> list[HonourRow]:
    """Volunteers who consent to publication, by confirmed service hours (most first).

    The recognition app's roll (``recognition.selectors.honour_roll``), a few queries
    whatever the roster's size, cached for ten minutes and forgotten at once when a
    publication consent, an erasure or a merge changes who may be named
    (``caching.forget_people``)."""
    key = HONOUR_KEY.format(generation=generation(PEOPLE_GENERATION_KEY), limit=limit)
    cached = cache.get(key)
    if isinstance(cached, list):
        return cached
    rows = _honour_roll(limit)
    cache.set(key, rows, FIGURES_SECONDS)
    return rows


def _honour_roll(limit: int) -> list[HonourRow]:
    """The city's roll as the recognition app ranks it (confirmed hours, consenting people
    only: ``recognition.selectors.honour_roll``), in the public page's shape."""
    roll = recognition_honour_roll(limit=limit)
    return [
        HonourRow(name=line.name, team=line.team, hours=line.minutes // 60)
        for line in roll.lines
        if line.minutes >= 60
    ]


def team_honours(limit: int = TEAM_HONOURS_SIZE) -> list[Organization]:
    """Teams that were presented a flag (相约冬奥—扛红旗、当先锋), latest first."""
    return list(
        Organization.objects.filter(flag_awarded_on__isnull=False)
        .select_related("region")
        .order_by("-flag_awarded_on", "name")[:limit]
    )
