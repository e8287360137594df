from django.urls import path

from vetserve.badges import views

app_name = "badges"
urlpatterns = [
    path("", views.badge_index, name="list"),
    path("issue/", views.badge_issue_view, name="issue"),
    path("bulk/", views.badge_bulk_view, name="bulk"),
    path("sheet/", views.badge_sheet_view, name="sheet"),
    path("<int:badge_id>/", views.badge_detail, name="detail"),
    path("<int:badge_id>/pdf/", views.badge_pdf_view, name="pdf"),
    path("<int:badge_id>/lost/", views.badge_lost_view, name="lost"),
    path("<int:badge_id>/revoke/", views.badge_revoke_view, name="revoke"),
    path("<int:badge_id>/reissue/", views.badge_reissue_view, name="reissue"),
]
