"""The notifications page: the user's own messages, newest first, with mark-as-read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.notify.selectors import notification_list
from vetserve.notify.services import notifications_mark_read


@login_required
@require_GET
def notification_list_page(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, notification_list(user=request.user, unread_only=unread_only))
    context = {
        "page_obj": page,
        "notifications": page.object_list,
        "unread_only": unread_only,
        "query": query_without_page(request),
    }
    return render(request, "notify/list.html", context)


@login_required
@require_POST
def notification_mark_read(request: AuthedRequest) -> HttpResponse:
    """``id`` marks one (or several) read; without it, everything unread."""
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    changed = notifications_mark_read(user=request.user, notification_ids=ids or None)
    if not ids and changed:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notify:list")
