from django.urls import path

from vetserve.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.ledger_page, name="list"),
    path("me/", views.my_hours, name="me"),
    path("verify/", views.verify_page, name="verify"),
    path("overdue/", views.overdue_page, name="overdue"),
    path("workdays/", views.workdays_page, name="workdays"),
    path("workdays/<int:rule_id>/remove/", views.workday_rule_remove, name="workday_remove"),
    path("claims/", views.claims_page, name="claims"),
    path("claims/new/", views.claim_create, name="claim_new"),
    path("claims/<int:claim_id>/", views.claim_page, name="claim"),
    path("claims/<int:claim_id>/photo/", views.claim_photo, name="claim_photo"),
    path("volunteer/<int:volunteer_id>/", views.volunteer_ledger, name="volunteer"),
    path("volunteer/<int:volunteer_id>/record/", views.entry_create, name="record"),
    path("entry/<int:entry_id>/", views.entry_page, name="entry"),
    path("entry/<int:entry_id>/confirm/", views.entry_confirm, name="confirm"),
    path("entry/<int:entry_id>/correct/", views.entry_correct, name="correct"),
]
