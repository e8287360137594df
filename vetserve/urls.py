from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView

from vetserve.api.api import api
from vetserve.attendance import views as attendance_views
from vetserve.badges import views as badge_views
from vetserve.core import views as core_views
from vetserve.dispatch import views as dispatch_views
from vetserve.home import urls as home_urls
from vetserve.home import views as home_views
from vetserve.people.urls import spreadsheet_urlpatterns as people_spreadsheet_urls
from vetserve.proofs import views as proof_views
from vetserve.public import views as public_views
from vetserve.skills.urls import spreadsheet_urlpatterns as skills_spreadsheet_urls

# The rest of home's pages, under their own names.
HOME_REST = [pattern for pattern in home_urls.urlpatterns if getattr(pattern, "name", "") != "home"]


def front_door(request: HttpRequest) -> HttpResponse:
    """The signed-in home for a signed-in person, the public home (cached, the same for every
    visitor) for anyone else."""
    if request.user.is_authenticated:
        return home_views.home(request)  # type: ignore[arg-type]  # signed in: an AuthedRequest
    return public_views.public_home(request)


urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    # Early: Django tries patterns in order, and phones' scans should not wait on every page's.
    path("api/v1/", api.urls),
    # "/" is each signed-in person's home, and the public face for everyone else (issue 18).
    path("", include(([path("", front_door, name="home"), *HOME_REST], home_urls.app_name))),
    path("public/", include("vetserve.public.urls")),
    path("accounts/", include("vetserve.accounts.urls")),
    path("regions/", include("vetserve.regions.urls")),
    path("orgs/", include("vetserve.orgs.urls")),
    path("people/", include("vetserve.people.urls")),
    # The check-ins and check-outs of the audit log: attendance's own rows, so attendance's page
    # (the audit app, below attendance, does not know it).
    path("audit/attendance/", attendance_views.scan_audit_page, name="attendance_audit"),
    path("audit/", include("vetserve.audit.urls")),
    # Imports and exports, each owned by its app, under the paths and names they always had.
    path(
        "spreadsheets/",
        include(
            (people_spreadsheet_urls + skills_spreadsheet_urls, "spreadsheets"),
            namespace="spreadsheets",
        ),
    ),
    path("badges/", include("vetserve.badges.urls")),
    path("skills/", include("vetserve.skills.urls")),
    path("activities/", include("vetserve.activities.urls")),
    path("notifications/", include("vetserve.notify.urls")),
    path("attendance/", include("vetserve.attendance.urls")),
    path("ledger/", include("vetserve.ledger.urls")),
    path("proofs/", include("vetserve.proofs.urls")),
    path("dispatch/", include("vetserve.dispatch.urls")),
    path("reports/", include("vetserve.reports.urls")),
    path("recognition/", include("vetserve.recognition.urls")),
    path("selections/", include("vetserve.selection.urls")),
    path("exchange/", include("vetserve.exchange.urls")),
    path("stats/", include("vetserve.stats.urls")),
    # Public, no login: where a badge's QR code leads. Short, so the code stays small.
    path("v/<str:token>", badge_views.badge_verify_page, name="badge_verify"),
    # Public, no login: where a proof of service's QR code leads.
    path("verify/proof/<str:token>", proof_views.proof_verify_page, name="proof_verify"),
    # Public, no login: where a call-out invitation's SMS leads (accept or decline). Short.
    path("i/<str:invite_code>", dispatch_views.answer_page, name="dispatch_answer"),
    path("i18n/", include("django.conf.urls.i18n")),
    # One way to change a password, which ends the other sessions and API tokens: the admin's
    # own form would not.
    path(
        "django-admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:password_change"),
    ),
    path("django-admin/", admin.site.urls),
]
