from django.urls import path

from vetserve.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export/", views.audit_export_csv, name="export"),
]
