"""Pages: browse and search the administrative tree, one region's page, add and edit units."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vetserve.audit.selectors import audit_entries_for_object
from vetserve.core.access import CHANGE, VIEW, Actor, may_change_region
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import (
    AuthedRequest,
    is_htmx,
    search_param,
    search_response,
    search_text,
)
from vetserve.core.widgets import SEARCH_LIMIT as CHOICES_LIMIT
from vetserve.core.widgets import SearchRow
from vetserve.regions.forms import RegionCreateForm, RegionEditForm
from vetserve.regions.models import CODE_LENGTH, LEVEL_ORDER, PREFIX_DIGITS, Level, Region
from vetserve.regions.selectors import (
    access_region,
    region_choices,
    region_home_list,
    region_list,
    region_locator,
)
from vetserve.regions.services import region_create, region_update

SEARCH_LIMIT = 100


def _ancestors(user: Actor | None, region: Region) -> list[Region]:
    """The units above ``region`` that the user may see, highest first (for the breadcrumb)."""
    return list(region_list(user=user).filter(pk__in=region.ancestor_ids))


@login_required
def region_index(request: AuthedRequest) -> HttpResponse:
    """The user's own area and the units under it; or search results for ?q=."""
    user = request.user
    query = request.GET.get("q", "").strip()
    context: dict[str, object] = {"q": query}
    if query:
        found = list(
            region_list(user=user, search=query).select_related("parent")[: SEARCH_LIMIT + 1]
        )
        context.update(results=found[:SEARCH_LIMIT], more=len(found) > SEARCH_LIMIT)
    else:
        starts = region_home_list(user=user)
        children = region_list(user=user).filter(parent__in=starts)
        by_parent: dict[int, list[Region]] = {}
        for child in children:
            by_parent.setdefault(child.parent_id, []).append(child)  # type: ignore[arg-type]
        context["tree"] = [(region, by_parent.get(region.pk, [])) for region in starts]
    template = "regions/_results.html" if is_htmx(request) else "regions/list.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


# What other apps add to a region's page, as hook(user=, region=) -> context: the regions app
# stands below them and does not import them (organizations register the ones located here).
DETAIL_SECTIONS: list[Callable[..., dict[str, Any]]] = []


@login_required
def region_detail(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    region = access_region(user, code)
    can_change = may_change_region(user, region.pk)
    locator = region_locator(region, lon=region.lon, lat=region.lat)
    context = {
        "region": region,
        "locator": locator,
        "locator_text": locator.describe(region.name) if locator else "",
        "ancestors": _ancestors(user, region),
        "children": list(region_list(user=user, parent=region)),
        "org_count": 0,
        "orgs_here": [],
        "can_change": can_change,
        "can_add_child": can_change and region.level != LEVEL_ORDER[-1],
        "recent_audit": audit_entries_for_object(user=user, obj=region),
    }
    for section in DETAIL_SECTIONS:
        context.update(section(user=user, region=region))
    return render(request, "regions/detail.html", context)


@login_required
def region_create_view(request: AuthedRequest, code: str) -> HttpResponse:
    """Add a unit under ``code``, typically a village under a township."""
    parent = access_region(request.user, code, CHANGE)
    if parent.level == LEVEL_ORDER[-1]:
        raise Http404
    level = LEVEL_ORDER[LEVEL_ORDER.index(parent.level) + 1]
    prefix = parent.code.ljust(12, "0")[: PREFIX_DIGITS[parent.level]]
    form = RegionCreateForm(request.POST or None)
    form.fields["code"].help_text = _(
        "%(n)d digits, beginning with %(prefix)s (the code of %(parent)s)."
    ) % {"n": CODE_LENGTH[level], "prefix": prefix, "parent": parent.name}
    form.fields["code"].widget.attrs["placeholder"] = prefix.ljust(CODE_LENGTH[level], "0")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region = region_create(
                actor=request.user,
                parent=parent,
                code=data["code"],
                name=data["name"],
                lon=data["lon"],
                lat=data["lat"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": region.name})
            return redirect("regions:detail", code=region.code)
    context = {
        "form": form,
        "parent": parent,
        "level": Level(level).label,
        "ancestors": [*_ancestors(request.user, parent), parent],
    }
    return render(request, "regions/create.html", context, status=400 if form.errors else 200)


@login_required
def region_edit(request: AuthedRequest, code: str) -> HttpResponse:
    region = access_region(request.user, code, CHANGE)
    initial = {"name": region.name, "lon": region.lon, "lat": region.lat}
    form = RegionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region_update(
                actor=request.user,
                region=region,
                name=data["name"],
                lon=data["lon"],
                lat=data["lat"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": region.name})
            return redirect("regions:detail", code=region.code)
    context = {
        "form": form,
        "region": region,
        "ancestors": [*_ancestors(request.user, region), region],
    }
    return render(request, "regions/edit.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def region_search(request: AuthedRequest) -> HttpResponse:
    """Matches for a searchable select of regions (core/widgets.py): only those the user may
    see, or with ``action=change`` change, or with ``within=residence`` where a volunteer they
    register may live; at most CHOICES_LIMIT of them."""
    query = search_text(request)
    action = CHANGE if search_param(request, "action") == CHANGE else VIEW
    regions = region_choices(
        user=request.user,
        search=query,
        action=action,
        residence=search_param(request, "within") == "residence",
        limit=CHOICES_LIMIT + 1,
    )
    rows = [
        SearchRow(r.pk, f"{r.name}（{r.code}）", r.parent.name if r.parent else "") for r in regions
    ]
    return search_response(request, rows, query=query)
