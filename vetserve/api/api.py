"""The JSON API under /api/v1/: the same services, selectors and scoping as the pages.

Each app owns its endpoints and schemas in ``<app>/api.py``; this module only makes the
NinjaAPI object, installs authentication and error handling, and mounts the routers."""

from typing import Any

from django.utils import translation
from ninja import NinjaAPI
from ninja.operation import Operation

from vetserve.api.auth import AUTH
from vetserve.api.errors import install_error_handlers

# Operation ids are what clients generated from the OpenAPI document call their methods; ninja
# makes them from the view's module path. Endpoints moved from vetserve/api/<file>.py into
# their apps, so the ids keep the old module names and no client breaks. A module not listed
# here (a new app's endpoints) gets ninja's default.
OPERATION_ID_PREFIXES = {
    "vetserve.accounts.api": "vetserve_api_api",
    "vetserve.regions.api": "vetserve_api_api",
    "vetserve.orgs.api": "vetserve_api_api",
    "vetserve.audit.api": "vetserve_api_api",
    "vetserve.people.api": "vetserve_api_people",
    "vetserve.badges.api": "vetserve_api_badges",
    "vetserve.skills.api.catalogue": "vetserve_api_skills",
    "vetserve.skills.api.holdings": "vetserve_api_skills",
    "vetserve.skills.api.training": "vetserve_api_skills",
    "vetserve.skills.api.checks": "vetserve_api_skills",
    "vetserve.activities.api.campaigns": "vetserve_api_activities",
    "vetserve.activities.api.activities": "vetserve_api_activities",
    "vetserve.activities.api.shifts": "vetserve_api_activities",
    "vetserve.attendance.api": "vetserve_api_attendance",
}


class _API(NinjaAPI):
    """NinjaAPI that builds its OpenAPI document once per path and language: the routes do
    not change while the server runs, and building it took ~0.2 s per request."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache: dict[tuple[str, str], Any] = self.__dict__.setdefault("_vetserve_schemas", {})
        key = (path_prefix, translation.get_language() or "")
        if key not in cache:
            cache[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return cache[key]

    def get_openapi_operation_id(self, operation: Operation) -> str:
        prefix = OPERATION_ID_PREFIXES.get(operation.view_func.__module__)
        if prefix is None:
            return super().get_openapi_operation_id(operation)
        return f"{prefix}_{operation.view_func.__name__}"


api = _API(
    title="VetServe API",
    version="1",
    description=(
        "退役军人志愿服务平台 API. Authenticate with `Authorization: Bearer <token>`; "
        "every list and object is scoped exactly like the pages."
    ),
    urls_namespace="api",
    auth=AUTH,
)
install_error_handlers(api)

# First: Django tries the API's routes in order, and 5,000 phones checking in at once should
# not wait on every other route's pattern (docs/benchmarks.md, check-in burst).
api.add_router("/attendance", "vetserve.attendance.api.router")
api.add_router("/", "vetserve.accounts.api.router")
api.add_router("/regions", "vetserve.regions.api.router")
api.add_router("/orgs", "vetserve.orgs.api.router")
api.add_router("/audit", "vetserve.audit.api.router")
api.add_router("/volunteers", "vetserve.people.api.router")
api.add_router("/", "vetserve.people.api.me_router")
api.add_router("/", "vetserve.badges.api.router")
# Skills, too, keeps one router per aggregate, side by side (see vetserve/skills/api/).
api.add_router("/skills", "vetserve.skills.api.catalogue.router")
api.add_router("/skills", "vetserve.skills.api.holdings.router")
api.add_router("/skills", "vetserve.skills.api.training.router")
api.add_router("/skills", "vetserve.skills.api.checks.router")
# Activities keeps one router per aggregate, side by side (see vetserve/activities/api/).
api.add_router("/activities", "vetserve.activities.api.campaigns.router")
api.add_router("/activities", "vetserve.activities.api.activities.router")
api.add_router("/activities", "vetserve.activities.api.shifts.router")
api.add_router("/ledger", "vetserve.ledger.api.router")
api.add_router("/", "vetserve.proofs.api.router")
api.add_router("/dispatch", "vetserve.dispatch.api.router")
api.add_router("/reports", "vetserve.reports.api.router")
api.add_router("/", "vetserve.recognition.api.router")
api.add_router("/", "vetserve.selection.api.router")
api.add_router("/exchange", "vetserve.exchange.api.router")
api.add_router("/", "vetserve.stats.api.router")
api.add_router("/", "vetserve.public.api.router")
