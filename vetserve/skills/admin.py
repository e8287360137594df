from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vetserve.skills.models import (
    Course,
    MilitarySpecialtyMapping,
    Qualification,
    QualificationType,
    Skill,
)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("code", "name")


@admin.register(MilitarySpecialtyMapping)
class MilitarySpecialtyMappingAdmin(admin.ModelAdmin):
    list_display = ("specialty", "skill", "level")
    search_fields = ("specialty",)


@admin.register(QualificationType)
class QualificationTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "issuing_body", "validity_days", "is_insurance", "is_active")
    list_filter = ("is_insurance", "is_active")
    search_fields = ("code", "name")
    filter_horizontal = ("includes",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows about volunteers change through the services, which check scope and audit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ("type", "volunteer", "expires_on", "verified_at", "revoked_at")
    list_filter = ("type",)


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("name", "organizer", "study_hours", "grants_type")
