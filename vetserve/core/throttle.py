"""Counting hits per key and window in the database, for public pages that must not be
enumerated (the badge check). A fixed window: simple, and shared by every app process."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from vetserve.core.models import RateCount


def throttle_hit(*, key: str, limit: int, per_seconds: int = 60) -> int:
    """Count one hit on ``key``: the seconds to wait when it is the (limit+1)-th or a later hit
    in the current window, else 0. Refused hits count too, so hammering does not help."""
    now = time.time()
    window = int(now // per_seconds) * per_seconds
    key = key[:120]
    with transaction.atomic():
        counted = RateCount.objects.filter(key=key, window=window).update(hits=F("hits") + 1)
        if not counted:
            # The first hit of a window: a good moment to forget the windows that ended.
            RateCount.objects.filter(expires_at__lt=timezone.now()).delete()
            expires = datetime.fromtimestamp(window, tz=UTC) + timedelta(seconds=per_seconds)
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=key, window=window, hits=1, expires_at=expires)
            except IntegrityError:  # another process began the window first
                RateCount.objects.filter(key=key, window=window).update(hits=F("hits") + 1)
        hits = RateCount.objects.filter(key=key, window=window).values_list("hits", flat=True)
        if (hits.first() or 0) <= limit:
            return 0
    return max(1, int(window + per_seconds - now + 0.999))
