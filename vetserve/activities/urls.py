from django.urls import path

from vetserve.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("calendar/", views.activity_calendar, name="calendar"),
    path("mine/", views.my_shifts, name="mine"),
    path("new/", views.activity_create, name="create"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/edit/", views.activity_edit, name="edit"),
    path("<int:activity_id>/status/", views.activity_status, name="status"),
    path("<int:activity_id>/outcomes/", views.outcome_add, name="outcome_add"),
    path("<int:activity_id>/shifts/new/", views.shift_create_page, name="shift_create"),
    path("<int:activity_id>/shifts/series/", views.shift_series_page, name="shift_series"),
    path("shifts/<int:shift_id>/", views.shift_detail, name="shift"),
    path("shifts/<int:shift_id>/edit/", views.shift_edit, name="shift_edit"),
    path("shifts/<int:shift_id>/signup/", views.shift_signup, name="signup"),
    path("shifts/<int:shift_id>/add/", views.shift_add, name="add"),
    path("signups/<int:signup_id>/withdraw/", views.signup_withdraw_page, name="withdraw"),
    path("signups/<int:signup_id>/call/", views.signup_call, name="call"),
    path("campaigns/", views.campaign_list_page, name="campaigns"),
    path("campaigns/new/", views.campaign_create_page, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
]
