"""Every write to the badge register goes through here: pages, API, commands and the demo."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.audit.services import audit_record
from vetserve.badges.models import (
    BADGE_SEQUENCES,
    STATUS_FLOW,
    Badge,
    BadgeCounter,
    BadgeEvent,
    Status,
)
from vetserve.core.access import Actor, may_change_org, may_change_volunteer
from vetserve.core.bounds import DATES
from vetserve.orgs.models import Organization
from vetserve.people.models import Status as VolunteerStatus
from vetserve.people.models import Volunteer

SIGNING_SALT = "vetserve.badge"


def _require_manage(actor: Actor | None, volunteer: Volunteer) -> None:
    if not may_change_volunteer(actor, volunteer):
        raise PermissionDenied(_("You may not manage badges of this volunteer."))


def _user(actor: Actor | None) -> User | None:
    """The acting user's row, for the foreign keys that record who did it; the anonymous
    user and the system are nobody."""
    return actor if isinstance(actor, User) else None


def county_code_of(region_code: str) -> str:
    """The six-digit county part of a region code (a city-level unit keeps its own, 130700)."""
    return region_code[:6]


def badge_number(*, county_code: str, sequence: int, prefix: str | None = None) -> str:
    return f"{prefix or settings.BADGE_PREFIX}-{county_code}-{sequence:05d}"


def _reserve(county_code: str, count: int) -> int:
    """Take ``count`` consecutive sequence numbers of a county; returns the first.

    The counter row is locked until the transaction ends, so concurrent issues in several
    processes queue here instead of colliding (SQLite serialises writers anyway).
    """
    BadgeCounter.objects.get_or_create(county_code=county_code)
    counter = BadgeCounter.objects.select_for_update().get(county_code=county_code)
    first = counter.last + 1
    if counter.last + count > BADGE_SEQUENCES.high:
        raise ValidationError(
            _("The county's badge numbers are used up (at most %(limit)d).")
            % {"limit": BADGE_SEQUENCES.high},
            code="sequence_exhausted",
        )
    counter.last += count
    counter.save(update_fields=["last"])
    return first


def _new_nonce() -> str:
    return secrets.token_urlsafe(12)


def _signer() -> signing.Signer:
    return signing.Signer(key=settings.BADGE_SIGNING_KEY, salt=SIGNING_SALT)


def badge_token(badge: Badge) -> str:
    """The signed code in the badge's QR: number and nonce, tamper-evident and URL-safe."""
    return _signer().sign(f"{badge.number}.{badge.nonce}")


def badge_token_read(token: str) -> tuple[str, str] | None:
    """(number, nonce) from a genuine token, None for anything forged, altered or malformed."""
    try:
        value = _signer().unsign(token.strip())
    except signing.BadSignature:
        return None
    number, sep, nonce = value.rpartition(".")
    return (number, nonce) if sep and number and nonce else None


def _event(badge: Badge, *, actor: Actor | None, from_status: str, reason: str) -> BadgeEvent:
    return BadgeEvent.objects.create(
        badge=badge,
        from_status=from_status,
        to_status=badge.status,
        reason=reason[:300],
        actor=_user(actor),
    )


def _audit(actor: Actor | None, action: str, badge: Badge, **extra: Any) -> None:
    volunteer = badge.volunteer
    audit_record(
        actor=actor,
        action=action,
        obj=badge,
        region_id=volunteer.region_id,
        organization_id=volunteer.home_org_id,
        object_repr=f"{badge.number} {volunteer.name}",
        **extra,
    )


def _check_can_hold_badge(volunteer: Volunteer) -> None:
    if volunteer.is_erased:
        raise ValidationError(_("This record has been erased."), code="erased")
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError(
            _("Only active volunteers receive badges (this one is: %(status)s).")
            % {"status": volunteer.get_status_display()},
            code="not_active",
        )


def _create(
    *, actor: Actor | None, volunteer: Volunteer, issued_on: date, replaces: Badge | None = None
) -> Badge:
    county = county_code_of(volunteer.region.code)
    DATES.validator()(issued_on)
    badge = Badge.objects.create(
        number=badge_number(county_code=county, sequence=_reserve(county, 1)),
        volunteer=volunteer,
        region_id=volunteer.region_id,
        issued_on=issued_on,
        status=Status.ACTIVE,
        replaces=replaces,
        nonce=_new_nonce(),
        issued_by=_user(actor),
    )
    return badge


@transaction.atomic
def badge_issue(
    *, actor: Actor | None, volunteer: Volunteer, issued_on: date | None = None
) -> Badge:
    """Give an active volunteer a numbered badge; a volunteer holds at most one valid badge."""
    _require_manage(actor, volunteer)
    _check_can_hold_badge(volunteer)
    # Lock the volunteer row so two simultaneous issues cannot both pass the check below.
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    current = volunteer.badges.filter(status=Status.ACTIVE).first()
    if current is not None:
        raise ValidationError(
            _("This volunteer already holds a valid badge (%(number)s); reissue it instead.")
            % {"number": current.number},
            code="has_badge",
        )
    badge = _create(actor=actor, volunteer=volunteer, issued_on=issued_on or timezone.localdate())
    _event(badge, actor=actor, from_status="", reason=_("Issued"))
    _audit(actor, "badge.issue", badge, changes={"number": [None, badge.number]})
    return badge


def _change_status(badge: Badge, *, to_status: str) -> str:
    before = badge.status
    if to_status not in STATUS_FLOW[before]:
        raise ValidationError(
            _("A badge that is %(from)s cannot become %(to)s.")
            % {"from": Status(before).label, "to": Status(to_status).label},
            code="status_flow",
        )
    badge.status = to_status
    badge.save(update_fields=["status", "updated_at"])
    return before


def _locked(badge: Badge) -> Badge:
    """The badge re-read under a row lock, so two admins acting at once see each other."""
    fresh = Badge.objects.select_for_update().get(pk=badge.pk)
    badge.status = fresh.status
    return badge


@transaction.atomic
def badge_report_lost(*, actor: Actor | None, badge: Badge, reason: str = "") -> Badge:
    """Mark a badge lost: from now on a scan of it says so."""
    _require_manage(actor, badge.volunteer)
    badge = _locked(badge)
    before = _change_status(badge, to_status=Status.LOST)
    _event(badge, actor=actor, from_status=before, reason=reason.strip() or _("Reported lost"))
    _audit(actor, "badge.lost", badge, changes={"status": [before, badge.status]}, reason=reason)
    return badge


@transaction.atomic
def badge_revoke(*, actor: Actor | None, badge: Badge, reason: str) -> Badge:
    """Withdraw a badge for good (the volunteer left, misconduct, issued in error)."""
    _require_manage(actor, badge.volunteer)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for revoking.")}, code="reason")
    badge = _locked(badge)
    before = _change_status(badge, to_status=Status.REVOKED)
    _event(badge, actor=actor, from_status=before, reason=reason.strip())
    _audit(actor, "badge.revoke", badge, changes={"status": [before, badge.status]}, reason=reason)
    return badge


@transaction.atomic
def badge_reissue(
    *,
    actor: Actor | None,
    badge: Badge,
    reason: str = "",
    lost: bool = False,
    issued_on: date | None = None,
) -> Badge:
    """A new badge with a new number in place of ``badge`` (worn out, lost, details changed).

    The old badge becomes "replaced", or "lost" when ``lost`` is set or it was already
    reported lost; the new one points back to it, keeping the chain.
    """
    volunteer = badge.volunteer
    _require_manage(actor, volunteer)
    _check_can_hold_badge(volunteer)
    badge = _locked(badge)
    if badge.status not in (Status.ACTIVE, Status.LOST):
        raise ValidationError(
            _("Only a valid or lost badge can be reissued; this one is %(status)s.")
            % {"status": badge.get_status_display()},
            code="status_flow",
        )
    # A lost badge stays "lost" when reissued, so its status alone does not say it was: a
    # second reissue broke the one-successor rule in the database and answered 500.
    successor = Badge.objects.filter(replaces=badge).values_list("number", flat=True).first()
    if successor is not None:
        raise ValidationError(
            _("This badge has already been reissued as %(number)s; reissue that one instead.")
            % {"number": successor},
            code="already_reissued",
        )
    before = badge.status
    if before == Status.ACTIVE:
        _change_status(badge, to_status=Status.LOST if lost else Status.REPLACED)
    text = reason.strip()
    new = _create(
        actor=actor,
        volunteer=volunteer,
        issued_on=issued_on or timezone.localdate(),
        replaces=badge,
    )
    _event(
        badge,
        actor=actor,
        from_status=before,
        reason=text or (_("Replaced by %(number)s") % {"number": new.number}),
    )
    _event(
        new,
        actor=actor,
        from_status="",
        reason=_("Reissued in place of %(number)s") % {"number": badge.number},
    )
    _audit(
        actor,
        "badge.reissue",
        new,
        changes={"number": [badge.number, new.number], "old_status": [before, badge.status]},
        reason=text,
    )
    return new


def badge_print_record(*, actor: Actor | None, badge: Badge) -> None:
    """Log that a badge was printed (a print carries a name and a valid code)."""
    _audit(actor, "badge.print", badge)


@transaction.atomic
def badges_print_record(*, actor: Actor | None, badges: Iterable[Badge]) -> None:
    """Log each card of a printed sheet, as if printed one by one: whoever asks later who
    printed a given badge finds it under that badge, not under a sheet."""
    for badge in badges:
        _audit(actor, "badge.print", badge, changes={"sheet": [None, True]})


@transaction.atomic
def badges_issue_bulk(
    *, actor: Actor | None, volunteers: Iterable[Volunteer], issued_on: date
) -> list[Badge]:
    """Issue badges to many volunteers at once (a new corps, the demo's 5,173 veterans).

    Volunteers who are not active, erased, or already hold a valid badge are skipped. Each
    county's counter is locked and bumped once; badges and their first history entries are
    inserted in bulk; the audit log gets one entry per organization naming the range issued.
    """
    DATES.validator()(issued_on)
    candidates = [
        v for v in volunteers if v.erased_at is None and v.status == VolunteerStatus.ACTIVE
    ]
    if not candidates:
        return []
    holders = set(
        Badge.objects.filter(
            status=Status.ACTIVE, volunteer_id__in=[v.pk for v in candidates]
        ).values_list("volunteer_id", flat=True)
    )
    candidates = [v for v in candidates if v.pk not in holders]
    orgs = Organization.objects.in_bulk({v.home_org_id for v in candidates})
    for org in orgs.values():
        if not may_change_org(actor, org):
            raise PermissionDenied(_("You may not manage badges of this volunteer."))
    codes = dict(
        Volunteer.objects.filter(pk__in=[v.pk for v in candidates]).values_list(
            "pk", "region__code"
        )
    )
    by_county: dict[str, list[Volunteer]] = defaultdict(list)
    for volunteer in sorted(candidates, key=lambda v: v.pk):
        by_county[county_code_of(codes[volunteer.pk])].append(volunteer)
    badges: list[Badge] = []
    issuer = _user(actor)
    # Counters are locked in code order, so two bulk runs cannot deadlock on each other.
    for county in sorted(by_county):
        people = by_county[county]
        first = _reserve(county, len(people))
        badges += [
            Badge(
                number=badge_number(county_code=county, sequence=first + i),
                volunteer=volunteer,
                region_id=volunteer.region_id,
                issued_on=issued_on,
                status=Status.ACTIVE,
                nonce=_new_nonce(),
                issued_by=issuer,
            )
            for i, volunteer in enumerate(people)
        ]
    Badge.objects.bulk_create(badges, batch_size=500)
    if any(b.pk is None for b in badges):  # a backend that returns no ids from bulk inserts
        ids = dict(
            Badge.objects.filter(number__in=[b.number for b in badges]).values_list("number", "pk")
        )
        for b in badges:
            b.pk = ids[b.number]
    issued = _("Issued")
    BadgeEvent.objects.bulk_create(
        [
            BadgeEvent(
                badge=b, from_status="", to_status=Status.ACTIVE, reason=issued, actor=issuer
            )
            for b in badges
        ],
        batch_size=1000,
    )
    per_org: dict[int, list[Badge]] = defaultdict(list)
    for b in badges:
        per_org[b.volunteer.home_org_id].append(b)
    for org_id, group in per_org.items():
        org = orgs[org_id]
        audit_record(
            actor=actor,
            action="badge.issue_bulk",
            obj=org,
            changes={"count": [None, len(group)], "numbers": [None, [b.number for b in group]]},
        )
    return badges


def badges_move(*, keep: Volunteer, drop: Volunteer) -> None:
    """Merge hook: a duplicate record's badges move to the record kept.

    A person holds one valid badge; when both records had one, the kept record's stays valid
    and the duplicate's is revoked, saying why.
    """
    keep_has_valid = keep.badges.filter(status=Status.ACTIVE).exists()
    reason = _("Duplicate record #%(drop)d merged into #%(keep)d") % {
        "drop": drop.pk,
        "keep": keep.pk,
    }
    for badge in drop.badges.select_for_update():
        before = badge.status
        if before == Status.ACTIVE and keep_has_valid:
            badge.status = Status.REVOKED
        badge.volunteer = keep
        badge.save(update_fields=["volunteer", "status", "updated_at"])
        BadgeEvent.objects.create(
            badge=badge, from_status=before, to_status=badge.status, reason=reason
        )


def badges_revoke_on_erasure(*, actor: Actor | None, volunteer: Volunteer, reason: str) -> None:
    """An erased person holds no badge that a scan or the verify page would still accept."""
    for badge in Badge.objects.filter(
        volunteer=volunteer, status__in=(Status.ACTIVE, Status.LOST)
    ).select_related("volunteer"):
        badge_revoke(actor=actor, badge=badge, reason=_("Personal data erased"))


def badges_revoke_on_leaving(
    *, actor: Actor | None, volunteer: Volunteer, old: str, new: str, reason: str
) -> None:
    """A volunteer who leaves the corps no longer holds a valid badge."""
    from vetserve.people.models import Status as VolunteerStatus

    if new != VolunteerStatus.LEFT:
        return
    for badge in Badge.objects.filter(volunteer=volunteer, status=Status.ACTIVE):
        badge_revoke(
            actor=actor, badge=badge, reason=_("Volunteer left: %(reason)s") % {"reason": reason}
        )
