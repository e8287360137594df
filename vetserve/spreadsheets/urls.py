from django.urls import path

from vetserve.spreadsheets import qualification_views

app_name = "spreadsheets"
urlpatterns = [
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
