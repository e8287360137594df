"""Pages that answer questions across volunteers: what expires soon, and who may do a task
(the eligibility check)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from vetserve.core.views import AuthedRequest
from vetserve.people.selectors import volunteer_list
from vetserve.skills import selectors
from vetserve.skills.eligibility import Requirement
from vetserve.skills.forms import EligibilityForm, ExpiringFilterForm

# Rows shown on the expiring list and the eligibility check; beyond this, narrow the filter.
LIST_LIMIT = 500


@login_required
@require_GET
def expiring(request: AuthedRequest) -> HttpResponse:
    form = ExpiringFilterForm(request.GET)
    within = 60
    if form.is_valid() and form.cleaned_data["within"] is not None:
        within = form.cleaned_data["within"]
    today = timezone.localdate()
    rows = list(
        selectors.qualifications_expiring(user=request.user, within_days=within, today=today)[
            : LIST_LIMIT + 1
        ]
    )
    groups: dict[Any, list[tuple[Any, int]]] = defaultdict(list)
    for q in rows[:LIST_LIMIT]:
        assert q.expires_on is not None  # the selector filters on it
        groups[q.volunteer.home_org].append((q, (q.expires_on - today).days))
    context = {
        "form": form,
        "within": within,
        "options": sorted({7, 30, 60, 90, 180, within}),
        "groups": sorted(groups.items(), key=lambda item: item[0].path),
        "count": min(len(rows), LIST_LIMIT),
        "truncated": len(rows) > LIST_LIMIT,
    }
    return render(request, "skills/expiring.html", context)


def requirement_from_form(data: dict[str, Any]) -> Requirement:
    return selectors.requirement_build(
        skills=[(s.pk, data["min_level"]) for s in data["skills"]],
        qualification_groups=[[t.pk for t in data["qualifications"]]],
        verified_only=data["verified_only"],
        min_age=data["min_age"],
        max_age=data["max_age"],
        insurance_required=data["insurance"],
    )


@login_required
@require_GET
def eligibility_check(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = EligibilityForm(request.GET or None, user=user)
    context: dict[str, Any] = {"form": form}
    if request.GET and form.is_valid():
        org = form.cleaned_data["organization"]
        requirement = requirement_from_form(form.cleaned_data)
        volunteers = volunteer_list(user=user, organization=org)
        answer = selectors.eligibility_list(volunteers, requirement, limit=LIST_LIMIT)
        language = get_language() or "zh-hans"
        eligible, refused = [], []
        for pk, name, ok in answer.rows:
            if ok:
                eligible.append((pk, name))
            else:
                refused.append((pk, name, answer.decision(pk).texts(language)))
        context.update(
            {
                "checked": True,
                "organization": org,
                "eligible": eligible,
                "refused": refused,
                "total": answer.eligible_count,
                "truncated": len(answer.rows) >= LIST_LIMIT,
            }
        )
    return render(request, "skills/check.html", context)
