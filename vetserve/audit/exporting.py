"""The audit log as a CSV file: the entries of the filtered page, as the page shows them
(names, Chinese labels, Asia/Shanghai times), streamed row by row (issue 13, 14).

The export is itself an entry (``audit.export``): who took which part of the log, and how
many rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vetserve.audit.display import (
    action_label,
    actor_text,
    change_rows,
    object_type_label,
    value_text,
    via_label,
)
from vetserve.audit.models import AuditEntry
from vetserve.audit.services import audit_record
from vetserve.core.access import Actor
from vetserve.spreadsheets.writers import csv_stream, neutralize

CHUNK_ROWS = 2000


@dataclass
class AuditExport:
    filename: str
    rows: int
    chunks: Iterator[bytes]


def audit_export(
    *, actor: Actor | None, entries: QuerySet[AuditEntry], filters: dict[str, Any]
) -> AuditExport:
    """``entries`` (already scoped by ``audit_entry_list``) as a streamed CSV; the export's own
    entry is written first, so a download cut off halfway is still on record."""
    rows = entries.count()
    with transaction.atomic():
        region_id, organization_id = _place(actor)
        record = audit_record(
            actor=actor,
            action="audit.export",
            region_id=region_id,
            organization_id=organization_id,
            changes={
                "rows": [None, rows],
                "filters": [None, {k: str(v or "") for k, v in filters.items()}],
            },
        )
    # The log as it was asked for: not the export's own entry, nor any written meanwhile.
    entries = entries.filter(pk__lt=record.pk)
    titles = [
        _("Time"),
        _("Who"),
        _("login"),
        _("Action"),
        _("Object"),
        _("Object type"),
        _("Place"),
        _("Changes"),
        _("Reason"),
        _("Source"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return AuditExport(
        filename=f"{_('audit-log')}-{stamp}.csv",
        rows=rows,
        chunks=csv_stream(titles, _lines(entries)),
    )


def _lines(entries: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    arrow = " → "
    separator = pgettext("list separator", "; ")
    for entry in entries.iterator(chunk_size=CHUNK_ROWS):
        place = entry.organization or entry.region
        changes = separator.join(
            f"{label}：{value_text(old)}{arrow}{value_text(new)}"
            for label, old, new in change_rows(entry)
        )
        line = [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            actor_text(entry) if entry.actor_name else "",
            entry.actor_name,
            action_label(entry.action),
            entry.object_repr,
            object_type_label(entry.object_type) if entry.object_type else "",
            getattr(place, "name", ""),
            changes,
            entry.reason,
            " ".join(p for p in (entry.ip or "", via_label(entry.via) if entry.via else "") if p),
        ]
        yield [neutralize(str(cell)) for cell in line]


def _place(actor: Actor | None) -> tuple[int | None, int | None]:
    """Where the export's entry lives: the actor's first grant, so the auditors and
    administrators of that area see who took a copy of its log."""
    grants = getattr(actor, "active_grants", None)
    for grant in grants() if callable(grants) else []:
        if grant.region_id is not None:
            return int(grant.region_id), None
        if grant.organization_id is not None:
            return int(grant.organization.region_id), int(grant.organization_id)
    return None, None
