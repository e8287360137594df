from django.contrib import admin
from django.http import HttpRequest

from vetserve.activities.models import Activity, Campaign, Outcome, OutcomeType, Shift, SignUp


@admin.register(OutcomeType)
class OutcomeTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "ordering"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "starts_on", "ends_on"]
    raw_id_fields = ["organization", "created_by"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "organization", "starts_at"]
    list_filter = ["status", "category"]
    raw_id_fields = ["organization", "region", "campaign", "created_by"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["post", "activity", "starts_at", "ends_at", "max_people"]
    raw_id_fields = ["activity"]


# Sign-ups and outcomes change only through the services (locks, audit): read-only here.
@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["shift", "volunteer", "state", "waitlist_position"]
    readonly_fields = [f.name for f in SignUp._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["activity", "outcome_type", "quantity", "recorded_at"]
    readonly_fields = [f.name for f in Outcome._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
