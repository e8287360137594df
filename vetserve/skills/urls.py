from django.urls import path

from vetserve.skills import sheet_views
from vetserve.skills.views import catalogue, checks, holdings, training

app_name = "skills"
urlpatterns = [
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/skills/new/", catalogue.skill_edit, name="skill_create"),
    path("catalogue/skills/<int:skill_id>/edit/", catalogue.skill_edit, name="skill_edit"),
    path("catalogue/types/new/", catalogue.qualification_type_edit, name="type_create"),
    path(
        "catalogue/types/<int:type_id>/edit/", catalogue.qualification_type_edit, name="type_edit"
    ),
    path("catalogue/specialties/new/", catalogue.specialty_edit, name="specialty_create"),
    path(
        "catalogue/specialties/<int:mapping_id>/edit/",
        catalogue.specialty_edit,
        name="specialty_edit",
    ),
    path("volunteer/<int:volunteer_id>/", holdings.volunteer_page, name="volunteer"),
    path(
        "volunteer/<int:volunteer_id>/qualifications/",
        holdings.qualification_add,
        name="qualification_add",
    ),
    path("volunteer/<int:volunteer_id>/skills/", holdings.volunteer_skill_add, name="skill_add"),
    path(
        "qualifications/<int:qualification_id>/verify/",
        holdings.qualification_verify,
        name="qualification_verify",
    ),
    path(
        "qualifications/<int:qualification_id>/revoke/",
        holdings.qualification_revoke,
        name="qualification_revoke",
    ),
    path(
        "qualifications/<int:qualification_id>/scan/",
        holdings.qualification_scan,
        name="qualification_scan",
    ),
    path(
        "volunteer-skills/<int:volunteer_skill_id>/confirm/",
        holdings.volunteer_skill_confirm,
        name="skill_confirm",
    ),
    path("courses/", training.course_list, name="courses"),
    path("courses/new/", training.course_create, name="course_create"),
    path("courses/<int:course_id>/", training.course_detail, name="course"),
    path("courses/<int:course_id>/sessions/new/", training.session_create, name="session_create"),
    path("sessions/<int:session_id>/", training.session_detail, name="session"),
    path("sessions/<int:session_id>/enrol/", training.session_enrol, name="session_enrol"),
    path("sessions/<int:session_id>/results/", training.session_results, name="session_results"),
    path("expiring/", checks.expiring, name="expiring"),
    path("check/", checks.eligibility_check, name="check"),
]

# The qualification import's pages: mounted under /spreadsheets/ in the "spreadsheets"
# namespace (vetserve/urls.py), where they were before they moved here, so bookmarks and
# `{% url 'spreadsheets:…' %}` keep working.
spreadsheet_urlpatterns = [
    path(
        "qualifications/import/",
        sheet_views.qualification_upload,
        name="qualification_import",
    ),
    path(
        "qualifications/import/commit/",
        sheet_views.qualification_commit,
        name="qualification_import_commit",
    ),
    path(
        "qualifications/template.xlsx",
        sheet_views.qualification_template_download,
        name="qualification_template",
    ),
]
