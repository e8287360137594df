"""Background work of the people app, on Django's tasks API (django-tasks backport): the
roster exports too large to write while a person waits (defined beside their job code)."""

from __future__ import annotations

from vetserve.people.export_jobs import purge_exports, roster_export_run

__all__ = ["purge_exports", "roster_export_run"]
