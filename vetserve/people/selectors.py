from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Count, Prefetch, Q, QuerySet

from vetserve.core.scoping import CHANGE, VIEW, access_object
from vetserve.orgs.models import Organization
from vetserve.people.idnumbers import InvalidNumber, normalize_id_number, parse_phone
from vetserve.people.models import Consent, CorrectionRequest, Volunteer
from vetserve.people.services import id_index, phone_index
from vetserve.regions.models import Region

# Search hooks of later apps (badge numbers): each takes the text and returns a Q or None.
SEARCH_HOOKS: list[Any] = []


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
    user: Any,
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


def access_volunteer(user: Any, volunteer_id: Any, action: str = VIEW) -> Volunteer:
    return access_object(
        Volunteer.objects.select_related("home_org", "residence_region", "region"),
        user,
        action,
        pk=volunteer_id,
        erased_at__isnull=True,
    )


def volunteer_duplicates(*, user: Any, limit: int = 200) -> list[list[Volunteer]]:
    """Groups of likely duplicates the user may see: same name and birth date, or same phone.
    (The same ID number cannot be registered twice: the blind index is unique.)"""
    visible = Volunteer.objects.visible_to(user).filter(erased_at__isnull=True)
    pairs = (
        visible.values("name", "birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name")[:limit]
    )
    groups: list[list[Volunteer]] = []
    for row in pairs:
        members = list(
            visible.filter(name=row["name"], birth_date=row["birth_date"]).select_related(
                "home_org"
            )
        )
        groups.append(members)
    phones = (
        visible.exclude(phone_index="")
        .values("phone_index")
        .annotate(n=Count("id"))
        .filter(n__gt=1)[:limit]
    )
    seen = {v.pk for group in groups for v in group}
    for phone_row in phones:
        members = list(
            visible.filter(phone_index=phone_row["phone_index"]).select_related("home_org")
        )
        if not {v.pk for v in members} <= seen:
            groups.append(members)
    return groups


# --- for the roster pages ---------------------------------------------------------------------


def volunteer_active_badges(qs: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """Each row's valid badge in one extra query (``active_badges``), when the badges app is
    installed; the roster knows badges only through the ``badges`` relation."""
    if not apps.is_installed("vetserve.badges"):
        return qs
    badge = apps.get_model("badges", "Badge")
    return qs.prefetch_related(
        Prefetch(
            "badges",
            queryset=badge.objects.filter(status="active").only("id", "number", "volunteer_id"),
            to_attr="active_badges",
        )
    )


def volunteer_own(*, user: Any) -> Volunteer | None:
    """The logged-in person's own record, if they are a registered volunteer."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Volunteer.objects.filter(user=user, erased_at__isnull=True)
        .select_related("home_org", "residence_region")
        .first()
    )


def correction_requests_open(*, user: Any) -> QuerySet[CorrectionRequest]:
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
