"""Sealed files shared by every app server, in the database (``core.models.SealedFile``).

Pending spreadsheet uploads (between preview and commit) and finished background exports used
to be files under each server's VAR_DIR: with two servers behind a round-robin balancer the
second could not see what the first wrote. Here they are rows, so sessions, tasks and files
all live in the one shared database (docs/operations.md, "Several app machines"). The callers
seal before and unseal after; this module only stores bytes under a name.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from vetserve.core.models import SealedFile


def sealed_put(name: str, sealed: bytes) -> None:
    SealedFile.objects.update_or_create(name=name, defaults={"sealed": sealed})


def sealed_get(name: str, *, max_age_seconds: int | None = None) -> bytes | None:
    row = SealedFile.objects.filter(name=name).values_list("sealed", "created_at").first()
    if row is None:
        return None
    sealed, created_at = row
    if max_age_seconds is not None and timezone.now() - created_at > timedelta(
        seconds=max_age_seconds
    ):
        return None
    return bytes(sealed)


def sealed_exists(names: list[str]) -> set[str]:
    return set(SealedFile.objects.filter(name__in=names).values_list("name", flat=True))


def sealed_delete(name: str) -> None:
    SealedFile.objects.filter(name=name).delete()


def sealed_purge(prefix: str, *, older_than_seconds: int) -> int:
    """Remove the files whose name starts with ``prefix`` written more than that long ago."""
    since = timezone.now() - timedelta(seconds=older_than_seconds)
    removed, _ = SealedFile.objects.filter(name__startswith=prefix, created_at__lt=since).delete()
    return removed
