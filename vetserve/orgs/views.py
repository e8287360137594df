"""Pages: find organizations, one organization's page, add and edit organizations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vetserve.audit.selectors import audit_entries_for_object
from vetserve.core.access import (
    CHANGE,
    VIEW,
    may_change_org,
    may_change_somewhere,
    may_see_region,
)
from vetserve.core.forms import form_add_service_errors
from vetserve.core.paging import Sort, sort_rows
from vetserve.core.views import (
    AuthedRequest,
    is_htmx,
    page_sections,
    paginate,
    query_without_page,
    search_param,
    search_response,
    search_text,
)
from vetserve.core.widgets import SEARCH_LIMIT, SearchRow
from vetserve.orgs.forms import OrganizationFilterForm, OrganizationForm
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import access_organization, organization_choices, organization_list
from vetserve.orgs.services import organization_create, organization_update
from vetserve.regions.models import Region

# By region (the default: neighbours together), by name in pinyin order, or as the tree.
ORG_SORTS = {
    "region": Sort(gettext_lazy("region"), ("region_id", "name")),
    "name": Sort(gettext_lazy("name"), ("name_pinyin",)),
    "tree": Sort(gettext_lazy("hierarchy"), ("path",)),
}


@login_required
def org_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    filters = OrganizationFilterForm(request.GET, user=user)
    valid = filters.is_valid()
    # A region or parent the user cannot see filters to nothing, like one that does not exist.
    unknown = list(filters.errors) == ["region"]
    data: dict[str, Any] = filters.cleaned_data if valid or unknown else {}
    region: Region | None = data.get("region")
    parent: Organization | None = None
    if data.get("parent"):
        parent = organization_list(user=user).filter(pk=data["parent"]).first()
        unknown = unknown or parent is None
    orgs = organization_list(
        user=user,
        search=data.get("q", ""),
        kind=data.get("kind", ""),
        region=region,
        parent=parent,
    )
    if unknown:
        orgs = orgs.none()
    query = query_without_page(request)
    ordered, sorting = sort_rows(orgs, request.GET, ORG_SORTS, "region", query)
    page = paginate(request, ordered)
    context: dict[str, Any] = {
        "page_obj": page,
        "orgs": page.object_list,
        "filters": filters,
        "region": region,
        "parent": parent,
        "query": query,
        "sorting": sorting,
        "filtered": any(data.get(key) for key in ("q", "kind", "region", "parent")),
    }
    if is_htmx(request):
        response = render(request, "orgs/_results.html", context)
    else:
        response = render(request, "orgs/list.html", context)
    response["Vary"] = "HX-Request"
    return response


# What other apps add to a team's page (members, qualifications, activities, hours), as
# hook(request=, user=, org=) -> a section {"template": …, "order": n, …} or None: orgs stands
# below those apps and does not import them. Each section reads through its app's selectors,
# scoped to the viewer, in a fixed number of queries.
DETAIL_SECTIONS: list[Callable[..., dict[str, Any] | None]] = []


@login_required
def org_detail(request: AuthedRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = access_organization(user, org_id)
    chain_ids = [int(part) for part in org.path.strip("/").split("/")[:-1] if part]
    chain = sorted(organization_list(user=user).filter(pk__in=chain_ids), key=lambda o: len(o.path))
    context = {
        "org": org,
        "chain": chain,
        # The parent is linked only when the user may open it.
        "parent_link": chain[-1] if chain and chain[-1].pk == org.parent_id else None,
        "children": list(organization_list(user=user, parent=org)),
        "region_visible": may_see_region(user, org.region_id),
        "can_change": may_change_org(user, org),
        "recent_audit": audit_entries_for_object(user=user, obj=org),
        "sections": page_sections(DETAIL_SECTIONS, request=request, user=user, org=org),
    }
    return render(request, "orgs/detail.html", context)


@login_required
def org_create(request: AuthedRequest) -> HttpResponse:
    """A new organization; ?parent=<id> and ?region=<code> preselect where it goes."""
    user = request.user
    if not may_change_somewhere(user):
        raise Http404
    form = OrganizationForm(request.POST or None, user=user)
    if request.method != "POST":
        form.initial = _initial_place(form, request.GET)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            org = organization_create(
                actor=user,
                name=data["name"],
                kind=data["kind"],
                specialty=data["specialty"],
                region=data["region"],
                parent=data["parent"],
                founded_on=data["founded_on"],
                leader_name=data["leader_name"],
                flag_awarded_on=data["flag_awarded_on"],
                description=data["description"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": org.name})
            return redirect("orgs:detail", org_id=org.pk)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": None},
        status=400 if form.errors else 200,
    )


def _initial_place(form: OrganizationForm, params: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    parent_id = params.get("parent", "")
    if parent_id.isdigit():
        parent = form.parent_choices.filter(pk=parent_id).first()
        if parent is not None:
            initial["parent"] = parent.pk
            initial["region"] = parent.region_id
    code = params.get("region", "")
    if code.isdigit():
        region = form.region_choices.filter(code=code).first()
        if region is not None:
            initial["region"] = region.pk
    return initial


@login_required
def org_edit(request: AuthedRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = access_organization(user, org_id, CHANGE)
    initial = {
        "name": org.name,
        "kind": org.kind,
        "specialty": org.specialty,
        "region": org.region_id,
        "parent": org.parent_id,
        "founded_on": org.founded_on,
        "leader_name": org.leader_name,
        "flag_awarded_on": org.flag_awarded_on,
        "description": org.description,
        "is_active": org.is_active,
    }
    form = OrganizationForm(request.POST or None, user=user, instance=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organization_update(actor=user, org=org, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": org.name})
            return redirect("orgs:detail", org_id=org.pk)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": org},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_search(request: AuthedRequest) -> HttpResponse:
    """Matches for a searchable select of organizations (core/widgets.py): only those the user
    may see, or with ``action=change`` change; at most SEARCH_LIMIT of them."""
    query = search_text(request)
    action = CHANGE if search_param(request, "action") == CHANGE else VIEW
    orgs = organization_choices(
        user=request.user,
        search=query,
        action=action,
        active_only=search_param(request, "active") == "1",
        limit=SEARCH_LIMIT + 1,
    )
    rows = [
        SearchRow(org.pk, f"{org.name}（{org.region.name}）", org.get_kind_display())
        for org in orgs
    ]
    return search_response(request, rows, query=query)
