from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    """How often one key (an address on a public page) was seen in one window of time.

    Kept in the database, not in a process's memory, so that every app process of a deployment
    counts the same hits (docs/operations.md, "Several app processes")."""

    key = models.CharField(max_length=120)
    window = models.BigIntegerField()  # the window's start, in seconds since the epoch
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="ratecount_unique")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window}: {self.hits}"


class SealedFile(models.Model):
    """A file one request writes and another may read, kept in the database so that any app
    server behind a balancer can finish the work (issue 17: a roster previewed on one server
    was "expired" on the other while uploads lived on each server's disk).

    The content is sealed (AES-GCM with the data key, bound to its name, ``core.crypto.seal``)
    by the app that writes it: a database dump without the keys holds no roster. Rows live an
    hour or so; each owner purges its own by name prefix (``core.sealed_files``)."""

    name = models.CharField(max_length=100, unique=True)
    sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.name
