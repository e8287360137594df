from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vetserve.badges.models import Badge, BadgeEvent


class BadgeEventInline(admin.TabularInline):
    model = BadgeEvent
    extra = 0
    fields = ("at", "from_status", "to_status", "reason", "actor")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    """Read-only: badges change through the services (pages, API, commands), which check
    scope and write history and the audit log."""

    list_display = ("number", "volunteer", "status", "issued_on")
    list_filter = ("status",)
    search_fields = ("number",)
    readonly_fields = ("number", "volunteer", "region", "issued_on", "status", "replaces")
    fields = readonly_fields
    inlines = [BadgeEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
