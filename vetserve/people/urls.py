from django.urls import path

from vetserve.people import sheet_views, views

app_name = "people"
urlpatterns = [
    path("", views.volunteer_list_page, name="list"),
    path("new/", views.volunteer_create, name="create"),
    path("check/", views.volunteer_check, name="check"),
    path("duplicates/", views.duplicates_page, name="duplicates"),
    path("merge/", views.merge_page, name="merge"),
    path("corrections/", views.corrections_page, name="corrections"),
    path("me/", views.me_page, name="me"),
    path("me/download/", views.me_download, name="me_download"),
    path("me/corrections/", views.me_correction, name="me_correction"),
    path("me/consents/", views.me_consent, name="me_consent"),
    path("<int:volunteer_id>/", views.volunteer_detail, name="detail"),
    path("<int:volunteer_id>/edit/", views.volunteer_edit, name="edit"),
    path("<int:volunteer_id>/status/", views.volunteer_status, name="status"),
    path("<int:volunteer_id>/reveal/<str:field>/", views.volunteer_reveal, name="reveal"),
    path("<int:volunteer_id>/memberships/", views.membership_add, name="membership_add"),
    path(
        "<int:volunteer_id>/memberships/<int:membership_id>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path("<int:volunteer_id>/consents/", views.consent_record, name="consent"),
    path(
        "<int:volunteer_id>/corrections/<int:correction_id>/",
        views.correction_resolve,
        name="correction_resolve",
    ),
    path("<int:volunteer_id>/erase/", views.volunteer_erase, name="erase"),
]

# The roster's import and export pages: mounted under /spreadsheets/ in the "spreadsheets"
# namespace (vetserve/urls.py), where they were before they moved here, so bookmarks and
# `{% url 'spreadsheets:…' %}` keep working.
spreadsheet_urlpatterns = [
    path("roster/import/", sheet_views.import_upload, name="import"),
    path("roster/import/commit/", sheet_views.import_commit, name="import_commit"),
    path("roster/template.xlsx", sheet_views.template_download, name="template"),
    path("roster/export/", sheet_views.export, name="export"),
]
