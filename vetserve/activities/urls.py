from django.urls import path

from vetserve.activities.views import activities, campaigns, shifts

app_name = "activities"
urlpatterns = [
    path("", activities.activity_list, name="list"),
    path("calendar/", activities.activity_calendar, name="calendar"),
    path("mine/", shifts.my_shifts, name="mine"),
    path("new/", activities.activity_create, name="create"),
    path("<int:activity_id>/", activities.activity_detail, name="detail"),
    path("<int:activity_id>/edit/", activities.activity_edit, name="edit"),
    path("<int:activity_id>/status/", activities.activity_status, name="status"),
    path("<int:activity_id>/outcomes/", activities.outcome_add, name="outcome_add"),
    path("<int:activity_id>/shifts/new/", shifts.shift_create_page, name="shift_create"),
    path("<int:activity_id>/shifts/series/", shifts.shift_series_page, name="shift_series"),
    path("shifts/<int:shift_id>/", shifts.shift_detail, name="shift"),
    path("shifts/<int:shift_id>/edit/", shifts.shift_edit, name="shift_edit"),
    path("shifts/<int:shift_id>/signup/", shifts.shift_signup, name="signup"),
    path("shifts/<int:shift_id>/add/", shifts.shift_add, name="add"),
    path("signups/<int:signup_id>/withdraw/", shifts.signup_withdraw_page, name="withdraw"),
    path("signups/<int:signup_id>/call/", shifts.signup_call, name="call"),
    path("campaigns/", campaigns.campaign_list_page, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create_page, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<int:campaign_id>/export/",
        campaigns.campaign_export_file,
        name="campaign_export",
    ),
]
