from django.urls import path

from vetserve.spreadsheets import qualification_views, views

app_name = "spreadsheets"
urlpatterns = [
    path("roster/import/", views.import_upload, name="import"),
    path("roster/import/commit/", views.import_commit, name="import_commit"),
    path("roster/template.xlsx", views.template_download, name="template"),
    path("roster/export/", views.export, name="export"),
    path(
        "qualifications/import/",
        qualification_views.qualification_upload,
        name="qualification_import",
    ),
    path(
        "qualifications/import/commit/",
        qualification_views.qualification_commit,
        name="qualification_import_commit",
    ),
    path(
        "qualifications/template.xlsx",
        qualification_views.qualification_template_download,
        name="qualification_template",
    ),
]
