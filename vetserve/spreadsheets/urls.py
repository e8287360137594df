from django.urls import path

from vetserve.spreadsheets import views

app_name = "spreadsheets"
urlpatterns = [
    path("roster/import/", views.import_upload, name="import"),
    path("roster/import/commit/", views.import_commit, name="import_commit"),
    path("roster/template.xlsx", views.template_download, name="template"),
    path("roster/export/", views.export, name="export"),
]
