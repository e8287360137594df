from django.urls import path

from vetserve.attendance import views

app_name = "attendance"

urlpatterns = [
    path("me/", views.my_shifts, name="me"),
    path("offline/", views.offline_page, name="offline"),
    path("sw.js", views.service_worker, name="sw"),
    path("scan/<str:token>", views.scan_page, name="scan"),
    path("post/<int:shift_id>/", views.post_page, name="post"),
    path("post/<int:shift_id>/roster/", views.post_roster_fragment, name="roster"),
    path("post/<int:shift_id>/qr/", views.post_qr, name="qr"),
    path("post/<int:shift_id>/sheet/", views.post_sheet, name="sheet"),
    path("post/<int:shift_id>/record/", views.post_record, name="record"),
    path("exceptions/", views.exceptions_page, name="exceptions"),
    path("exceptions/<int:attendance_id>/", views.exception_resolve, name="resolve"),
]
