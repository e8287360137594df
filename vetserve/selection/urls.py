from django.urls import path

from vetserve.selection import views

app_name = "selection"
urlpatterns = [
    path("", views.selection_index, name="list"),
    path("new/", views.selection_new, name="new"),
    path("<int:selection_id>/", views.selection_detail, name="detail"),
    path("<int:selection_id>/run/", views.selection_run_view, name="run"),
    path("<int:selection_id>/decision/", views.selection_decide_view, name="decide"),
    path("<int:selection_id>/export.xlsx", views.selection_export, name="export"),
]
