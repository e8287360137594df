"""Expiry reminders: holders and their leaders are told of qualifications about to expire."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import Grant, Role, User
from vetserve.notify.services import notification_send
from vetserve.orgs.models import Organization
from vetserve.people.services import volunteer_reveal_value
from vetserve.skills.models import Qualification, SentReminder

# Days before expiry at which holder and leader are reminded.
REMINDER_THRESHOLDS = (60, 30, 7)


def _leaders_of(org: Organization) -> list[User]:
    return [
        g.user
        for g in Grant.objects.filter(role=Role.ORG_LEADER, organization=org).select_related("user")
        if g.user.is_active
    ]


def qualification_reminders_send(*, today: date | None = None) -> int:
    """Remind holders and their organization's leaders of qualifications expiring in 60, 30 or
    7 days. Each (qualification, threshold, expiry date) goes out once — a ``SentReminder`` row
    with a unique constraint — so reruns and overlapping runs send nothing twice. A day the
    task did not run is caught up: the nearest threshold is sent, the ones passed are marked."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(REMINDER_THRESHOLDS))
    due = (
        Qualification.objects.filter(
            revoked_at__isnull=True, expires_on__gte=today, expires_on__lte=horizon
        )
        .select_related("type", "volunteer", "volunteer__home_org", "volunteer__user")
        .order_by("expires_on", "id")
    )
    sent = set(
        SentReminder.objects.filter(expires_on__gte=today, expires_on__lte=horizon).values_list(
            "qualification_id", "threshold_days", "expires_on"
        )
    )
    leaders: dict[int, list[User]] = {}
    count = 0
    for q in due:
        assert q.expires_on is not None
        days_left = (q.expires_on - today).days
        passed = [t for t in REMINDER_THRESHOLDS if days_left <= t]
        nearest = min(passed)
        if (q.pk, nearest, q.expires_on) in sent:
            continue
        try:
            with transaction.atomic():
                SentReminder.objects.create(
                    qualification=q, threshold_days=nearest, expires_on=q.expires_on
                )
                SentReminder.objects.bulk_create(
                    [
                        SentReminder(qualification=q, threshold_days=t, expires_on=q.expires_on)
                        for t in passed
                        if t != nearest
                    ],
                    ignore_conflicts=True,
                )
                _remind(q, days_left, leaders)
        except IntegrityError:
            continue  # another run sent it
        count += 1
    return count


def _remind(q: Qualification, days_left: int, leaders: dict[int, list[User]]) -> None:
    volunteer = q.volunteer
    assert q.expires_on is not None
    values = {
        "name": volunteer.name,
        "qualification": q.type.name,
        "date": q.expires_on.isoformat(),
        "days": days_left,
    }
    title = _("%(qualification)s expires on %(date)s") % values
    body = (
        _(
            "%(name)s's %(qualification)s expires on %(date)s (in %(days)s days). Renew it in "
            "time: after that day it no longer counts for tasks that need it."
        )
        % values
    )
    user = volunteer.user if volunteer.user is not None and volunteer.user.is_active else None
    phone = volunteer_reveal_value(volunteer, "phone") if volunteer.phone_enc else ""
    notification_send(
        user=user, title=title, body=body, email=user.email if user else "", phone=phone
    )
    org = volunteer.home_org
    if org.pk not in leaders:
        leaders[org.pk] = _leaders_of(org)
    for leader in leaders[org.pk]:
        if user is not None and leader.pk == user.pk:
            continue
        notification_send(user=leader, title=title, body=body, email=leader.email)
