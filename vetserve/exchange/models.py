"""What the exchange keeps: the records received through the exchange format.

A record that came in through an import (docs/exchange.md) becomes a ledger entry of source
"transfer-in" in the receiving unit's chain, attributed to the recording unit the file names
(``LedgerEntry.organizing_unit``). This table remembers, for each such entry, the id the record
had in the file and what it said, so that importing the same file again adds nothing and a
changed record becomes a correction of that entry, never a second record (ledger rows are
never edited, docs/decisions/0007).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import MOMENTS

RECORD_ID_MAX = 64
CONTENT_KEY_LEN = 64


class ReceivedRecord(models.Model):
    """One service record received from another system (or another deployment) through the
    exchange format: its stable ``record_id`` from the file, the transfer-in ledger entry it
    became, a digest of the record's fields as received (``content_key``: everything but the
    hours, so unchanged and corrected records are told apart), and what the source said about
    when it was recorded and whether its unit confirmed it (exported again as received).

    Seen by whoever sees the entry (``scope_via``)."""

    record_id = models.CharField(_("record id"), max_length=RECORD_ID_MAX, unique=True)
    entry = models.OneToOneField(
        "ledger.LedgerEntry", on_delete=models.PROTECT, related_name="received_as"
    )
    content_key = models.CharField(max_length=CONTENT_KEY_LEN, editable=False)
    source_recorded_at = models.DateTimeField(
        _("recorded at (source)"), validators=[MOMENTS.validator()]
    )
    source_confirmed = models.BooleanField(_("confirmed by the recording unit"), default=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_via = "entry"

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("received record")
        verbose_name_plural = _("received records")
        constraints = [
            MOMENTS.constraint("receivedrecord", "source_recorded_at"),
            models.CheckConstraint(condition=~models.Q(record_id=""), name="received_record_id"),
        ]

    def __str__(self) -> str:
        return self.record_id
