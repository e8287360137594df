from django.urls import path

from vetserve.people import sheet_views
from vetserve.people.views import duplicates, me, register, roster, search, volunteer

app_name = "people"
urlpatterns = [
    path("", roster.volunteer_list_page, name="list"),
    path("new/", register.volunteer_create, name="create"),
    path("check/", register.volunteer_check, name="check"),
    path("search/", search.volunteer_search, name="search"),
    path("duplicates/", duplicates.duplicates_page, name="duplicates"),
    path("merge/", duplicates.merge_page, name="merge"),
    path("corrections/", duplicates.corrections_page, name="corrections"),
    path("me/", me.me_page, name="me"),
    path("me/download/", me.me_download, name="me_download"),
    path("me/corrections/", me.me_correction, name="me_correction"),
    path("me/consents/", me.me_consent, name="me_consent"),
    path("<int:volunteer_id>/", volunteer.volunteer_detail, name="detail"),
    path("<int:volunteer_id>/edit/", register.volunteer_edit, name="edit"),
    path("<int:volunteer_id>/status/", volunteer.volunteer_status, name="status"),
    path("<int:volunteer_id>/reveal/<str:field>/", volunteer.volunteer_reveal, name="reveal"),
    path("<int:volunteer_id>/memberships/", volunteer.membership_add, name="membership_add"),
    path(
        "<int:volunteer_id>/memberships/<int:membership_id>/end/",
        volunteer.membership_end,
        name="membership_end",
    ),
    path("<int:volunteer_id>/consents/", volunteer.consent_record, name="consent"),
    path(
        "<int:volunteer_id>/corrections/<int:correction_id>/",
        volunteer.correction_resolve,
        name="correction_resolve",
    ),
    path("<int:volunteer_id>/erase/", volunteer.volunteer_erase, name="erase"),
]

# The roster's import and export pages: mounted under /spreadsheets/ in the "spreadsheets"
# namespace (vetserve/urls.py), where they were before they moved here, so bookmarks and
# `{% url 'spreadsheets:…' %}` keep working.
spreadsheet_urlpatterns = [
    path("roster/import/", sheet_views.import_upload, name="import"),
    path("roster/import/jobs/<int:job_id>/", sheet_views.import_job, name="import_job"),
    path(
        "roster/import/jobs/<int:job_id>/commit/", sheet_views.import_commit, name="import_commit"
    ),
    path("roster/template.xlsx", sheet_views.template_download, name="template"),
    path("roster/export/", sheet_views.export, name="export"),
    path("roster/export/jobs/<uuid:job_id>/", sheet_views.export_job, name="export_job"),
    path(
        "roster/export/jobs/<uuid:job_id>/download/",
        sheet_views.export_job_download,
        name="export_job_download",
    ),
]
