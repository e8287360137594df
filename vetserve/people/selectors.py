from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Collate

from vetserve.accounts.models import User
from vetserve.core.access import CHANGE, VIEW, Actor, access_object
from vetserve.orgs.models import Organization
from vetserve.people.idnumbers import InvalidNumber, normalize_id_number, parse_phone
from vetserve.people.models import Consent, CorrectionRequest, Volunteer
from vetserve.people.services import id_index, phone_index
from vetserve.regions.models import Region

# Search hooks of later apps (badge numbers): each takes the text and returns a Q or None.
SEARCH_HOOKS: list[Callable[[str], Q | None]] = []


@dataclass(frozen=True)
class RosterFilter:
    """A filter of the roster list that a later app provides (skills: a skill held, a valid
    qualification): the choices offered, and the condition a chosen id puts on volunteers."""

    options: Callable[[], list[tuple[int, str]]]
    q: Callable[[int], Q]


# By the name of the roster form's field ("skill", "qualification").
ROSTER_FILTERS: dict[str, RosterFilter] = {}


def volunteer_search_q(text: str) -> Q:
    """Name, pinyin initials, or an exact ID or phone number through the blind index."""
    text = text.strip()
    if not text:
        return Q()
    compact = normalize_id_number(text)
    if len(compact) == 18 and compact[:17].isdigit():
        return Q(id_number_index=id_index(compact))
    if compact.isdigit() and len(compact) >= 11:
        try:
            return Q(phone_index=phone_index(parse_phone(compact)))
        except InvalidNumber:
            pass
    lowered = text.lower()
    q = Q(name__startswith=text) | Q(name_initials__startswith=lowered)
    if len(text) > 1:
        q |= Q(name__contains=text)
    for hook in SEARCH_HOOKS:
        extra = hook(text)
        if extra is not None:
            q |= extra
    return q


def volunteer_list(
    *,
    user: Actor | None,
    search: str = "",
    region: Region | None = None,
    organization: Organization | None = None,
    status: str = "",
    action: str = VIEW,
) -> QuerySet[Volunteer]:
    qs = Volunteer.objects.visible_to(user, action).filter(erased_at__isnull=True)
    if search:
        qs = qs.filter(volunteer_search_q(search))
    if region is not None:
        low, high = region.id_range
        qs = qs.filter(region_id__gte=low, region_id__lte=high)
    if organization is not None:
        qs = qs.filter(
            Q(home_org__path__startswith=organization.path)
            | Q(
                pk__in=organization.memberships.filter(ended_on__isnull=True).values("volunteer_id")
            )
        )
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("home_org", "residence_region")


def access_volunteer(user: Actor | None, volunteer_id: Any, action: str = VIEW) -> Volunteer:
    return access_object(
        Volunteer.objects.select_related("home_org", "residence_region", "region"),
        user,
        action,
        pk=volunteer_id,
        erased_at__isnull=True,
    )


def volunteer_duplicates(*, user: Actor | None, limit: int = 200) -> list[list[Volunteer]]:
    """Groups of likely duplicates the user may see: same name and birth date, or same phone.
    (The same ID number cannot be registered twice: the blind index is unique.)

    The database holds the year in clear and the date encrypted: candidates share name and
    year, and only those are decrypted to compare the dates."""
    visible = Volunteer.objects.visible_to(user).filter(erased_at__isnull=True)
    pairs = list(
        visible.values_list("name", "birth_year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name")[:limit]
    )
    # The members of every candidate pair in one query (not one per pair: 206 queries at 10×),
    # a few more rows than needed (a name of the list born another year) dropped here.
    wanted = {(name, year) for name, year, _n in pairs}
    by_pair: dict[tuple[str, int | None], list[Volunteer]] = {key: [] for key in wanted}
    members = visible.filter(
        name__in={name for name, _year in wanted}, birth_year__in={year for _n, year in wanted}
    ).select_related("home_org")
    for member in members:
        key = (member.name, member.birth_year)
        if key in by_pair:
            by_pair[key].append(member)
    groups: list[list[Volunteer]] = []
    for name, year, _n in pairs:
        same_date: dict[date | None, list[Volunteer]] = {}
        for member in by_pair[(name, year)]:
            same_date.setdefault(member.birth_date, []).append(member)
        groups.extend(group for group in same_date.values() if len(group) > 1)
    phones = [
        phone
        for phone, _n in visible.exclude(phone_index="")
        .values_list("phone_index")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("phone_index")[:limit]
    ]
    by_phone: dict[str, list[Volunteer]] = {phone: [] for phone in phones}
    for member in visible.filter(phone_index__in=phones).select_related("home_org"):
        by_phone[member.phone_index].append(member)
    seen = {v.pk for group in groups for v in group}
    for phone in phones:
        if not {v.pk for v in by_phone[phone]} <= seen:
            groups.append(by_phone[phone])
    return groups


# --- for the roster pages ---------------------------------------------------------------------


def volunteer_badges_prefetched(qs: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """Each row's badges (``prefetched_badges``; a person has one or a few) in one extra
    query, when the badges app is installed. Not filtered by status in SQL: on SQLite without
    statistics a status filter made the planner scan the status index instead of the
    volunteer one (60 ms instead of 0.1 ms at 100,000 badges)."""
    if not apps.is_installed("vetserve.badges"):
        return qs
    badge = apps.get_model("badges", "Badge")
    return qs.prefetch_related(
        Prefetch(
            "badges",
            queryset=badge.objects.order_by().only("id", "number", "status", "volunteer_id"),
            to_attr="prefetched_badges",
        )
    )


def _prefix_q(field: str, text: str) -> Q:
    """``field`` starts with ``text``, written so that an index answers it: a range on SQLite
    (its LIKE ignores case, so no ordinary index serves it), LIKE 'text%' on PostgreSQL (served
    as a range on the C-collated index of migration 0002, whatever the collation)."""
    if connection.vendor == "sqlite":
        # Under SQLite's binary collation every string starting with `text` sorts below this.
        return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})
    return Q(**{f"{field}__startswith": text})


def _is_number_search(text: str) -> bool:
    compact = normalize_id_number(text)
    return (len(compact) == 18 and compact[:17].isdigit()) or (
        compact.isdigit() and len(compact) >= 11
    )


def volunteer_roster(
    *,
    user: Actor | None,
    search: str = "",
    region: Region | None = None,
    organization: Organization | None = None,
    status: str = "",
) -> QuerySet[Volunteer]:
    """`volunteer_list` for the roster page, with a search an index can answer on 100,000 rows.

    Exact ID and phone numbers go through the blind index as in `volunteer_search_q`. Text
    matches the start of the name (王, 王建国) or of its pinyin initials (wjg), or a badge number
    through the search hooks; only when nothing starts with it is it looked for inside names (a
    given name, 建国; a name in Latin letters), which no index serves and costs a full scan.
    """
    qs = volunteer_list(user=user, region=region, organization=organization, status=status)
    if connection.vendor == "postgresql":
        # Code-point order, as on SQLite, served by the index of migration 0002.
        qs = qs.order_by(Collate("name", "C"), "id")
    text = search.strip()
    if not text:
        return qs
    if _is_number_search(text):
        return qs.filter(volunteer_search_q(text))
    # One condition, so that one index range answers it: Latin letters are pinyin initials
    # (names are written in characters), anything else the start of the name.
    q = _prefix_q("name_initials", text.lower()) if text.isascii() else _prefix_q("name", text)
    for hook in SEARCH_HOOKS:
        extra = hook(text)
        if extra is not None:
            q |= extra
    if len(text) > 1 and not qs.filter(q).exists():
        q |= Q(name__contains=text)
    return qs.filter(q)


def volunteer_choices(
    *, user: Actor | None, search: str, action: str = VIEW, limit: int
) -> list[Volunteer]:
    """Up to ``limit`` volunteers the user may see (or change) matching ``search`` as the
    roster's search does (name, pinyin initials, badge number, an exact ID or phone number
    through the blind index), for a searchable select: one query."""
    text = search.strip()
    if not text:
        return []
    if action == VIEW:
        qs = volunteer_roster(user=user, search=text)
    else:
        qs = volunteer_list(user=user, search=text, action=action)
    return list(qs[:limit])


def volunteer_own(*, user: Actor | None) -> Volunteer | None:
    """The logged-in person's own record, if they are a registered volunteer."""
    if not isinstance(user, User):  # the anonymous user has none
        return None
    return (
        Volunteer.objects.filter(user=user, erased_at__isnull=True)
        .select_related("home_org", "residence_region")
        .first()
    )


def correction_requests_open(*, user: Actor | None) -> QuerySet[CorrectionRequest]:
    """Open correction requests (办法 Art 13) of the volunteers the user may change."""
    volunteers = Volunteer.objects.visible_to(user, CHANGE).filter(erased_at__isnull=True)
    return (
        CorrectionRequest.objects.filter(
            state=CorrectionRequest.State.OPEN, volunteer__in=volunteers.values("pk")
        )
        .select_related("volunteer", "volunteer__home_org")
        .order_by("created_at", "id")
    )


def volunteer_consents_latest(volunteer: Volunteer) -> dict[str, Consent]:
    """The latest consent (or withdrawal) per purpose: what holds now."""
    latest: dict[str, Consent] = {}
    for consent in volunteer.consents.select_related("recorded_by").order_by("-at", "-id"):
        latest.setdefault(consent.purpose, consent)
    return latest
