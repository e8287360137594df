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
