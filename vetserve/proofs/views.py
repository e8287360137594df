"""Proof pages: my proofs (a volunteer), issuing one for a volunteer (leaders, administrators),
the proofs issued in scope with revoke, one proof and its signed PDF, and the public check the
QR code opens. Writes go through ``services``; lists start from ``visible_to``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from vetserve.core.access import VIEW, may_issue_proof, may_revoke_proof
from vetserve.core.context import client_ip
from vetserve.core.throttle import throttle_hit
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.people.models import Volunteer
from vetserve.people.selectors import access_volunteer, volunteer_own
from vetserve.proofs.forms import IssueForm, RevokeForm
from vetserve.proofs.keys import ProofKeysMissing
from vetserve.proofs.models import Proof
from vetserve.proofs.pdf import Holder, proof_pdf
from vetserve.proofs.selectors import (
    access_proof,
    proof_activity_choices,
    proof_list,
    proof_period,
    proof_recording_units,
    proof_verify,
)
from vetserve.proofs.services import proof_download_record, proof_issue, proof_revoke
from vetserve.proofs.tokens import proof_token

PER_PAGE = 20


def proof_verify_url(request: HttpRequest, proof: Proof) -> str:
    """The address in the QR code: the public base URL when configured (as for badges)."""
    path = reverse("proof_verify", args=[proof_token(proof.number)])
    if settings.BADGE_VERIFY_BASE_URL:
        return settings.BADGE_VERIFY_BASE_URL + path
    return request.build_absolute_uri(path)


def proof_document(request: HttpRequest, proof: Proof) -> bytes:
    volunteer = proof.volunteer
    holder = Holder(
        name=volunteer.name, id_masked=volunteer.id_number_masked, birth_year=volunteer.birth_year
    )
    return proof_pdf(
        proof,
        holder=holder,
        verify_url=proof_verify_url(request, proof),
        period=proof_period(proof),
    )


def _units(request: AuthedRequest, volunteer: Volunteer) -> list[object]:
    return [
        unit
        for unit in proof_recording_units(volunteer)
        if may_issue_proof(request.user, volunteer=volunteer, organization=unit)
    ]


def _issue_page(request: AuthedRequest, volunteer: Volunteer, *, own: bool) -> HttpResponse:
    units = _units(request, volunteer)
    form = IssueForm(
        request.POST or None,
        units=units,
        activities=proof_activity_choices(volunteer, [u.pk for u in units]),  # type: ignore[attr-defined]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.pk == data["organization"])  # type: ignore[attr-defined]
        try:
            proof = proof_issue(
                actor=request.user,
                volunteer=volunteer,
                organization=unit,  # type: ignore[arg-type]
                scope=data["scope"],
                year=data.get("year"),
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
                activity_ids=data.get("activities") or [],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
            else:
                for message in error.messages:
                    form.add_error(None, message)
        else:
            messages.success(request, _("Proof %(number)s was issued.") % {"number": proof.number})
            return redirect("proofs:detail", proof_id=proof.pk)
    proofs = proof_list(user=request.user, volunteer=volunteer)
    page = paginate(request, proofs, PER_PAGE)
    return render(
        request,
        "proofs/issue.html",
        {
            "volunteer": volunteer,
            "own": own,
            "form": form,
            "units": units,
            "page_obj": page,
            "proofs": page.object_list,
            "query": query_without_page(request),
        },
    )


@login_required
def my_proofs(request: AuthedRequest) -> HttpResponse:
    """The volunteer's own proofs, and a new one of the hours a unit recorded for them."""
    volunteer = volunteer_own(user=request.user)
    if volunteer is None:
        raise Http404
    return _issue_page(request, volunteer, own=True)


@login_required
def volunteer_proofs(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    """A leader or administrator issues a proof for a volunteer in scope."""
    volunteer = access_volunteer(request.user, volunteer_id, VIEW)
    if volunteer.user_id == request.user.pk:
        return redirect("proofs:me")
    return _issue_page(request, volunteer, own=False)


@login_required
@require_GET
def proof_index(request: AuthedRequest) -> HttpResponse:
    """The proofs issued in the user's scope, newest first; ?state=valid|revoked."""
    state = request.GET.get("state", "")
    state = state if state in ("valid", "revoked") else ""
    page = paginate(request, proof_list(user=request.user, state=state), PER_PAGE)
    return render(
        request,
        "proofs/list.html",
        {
            "state": state,
            "page_obj": page,
            "proofs": page.object_list,
            "query": query_without_page(request),
        },
    )


@login_required
@require_GET
def proof_detail(request: AuthedRequest, proof_id: int) -> HttpResponse:
    proof = access_proof(request.user, proof_id)
    may_revoke = proof.is_valid and may_revoke_proof(request.user, proof)
    return render(
        request,
        "proofs/detail.html",
        {
            "proof": proof,
            "period": proof_period(proof),
            "may_revoke": may_revoke,
            "revoke_form": RevokeForm() if may_revoke else None,
        },
    )


@login_required
@require_POST
def proof_revoke_view(request: AuthedRequest, proof_id: int) -> HttpResponse:
    proof = access_proof(request.user, proof_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for revoking."))
        return redirect("proofs:detail", proof_id=proof.pk)
    try:
        proof_revoke(actor=request.user, proof=proof, reason=form.cleaned_data["reason"])
    except PermissionDenied:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Proof %(number)s was revoked.") % {"number": proof.number})
    return redirect("proofs:detail", proof_id=proof.pk)


@login_required
@require_GET
def proof_pdf_view(request: AuthedRequest, proof_id: int) -> HttpResponse:
    """The signed PDF. A revoked proof is not handed out again: it would only mislead."""
    proof = access_proof(request.user, proof_id)
    if not proof.is_valid or proof.volunteer.is_erased:
        messages.error(request, _("Only a valid proof can be downloaded."))
        return redirect("proofs:detail", proof_id=proof.pk)
    try:
        data = proof_document(request, proof)
    except ProofKeysMissing:
        messages.error(
            request,
            _("The signing key is not set up yet; ask the operator to run “vetserve proof-keys”."),
        )
        return redirect("proofs:detail", proof_id=proof.pk)
    proof_download_record(actor=request.user, proof=proof)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proof-{proof.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def proof_verify_wait(request: HttpRequest) -> int:
    """Seconds this address must wait before checking another proof (0: it may now)."""
    return throttle_hit(
        key=f"proof-verify:{client_ip(request)}", limit=settings.PROOF_VERIFY_PER_MINUTE
    )


def proof_verify_throttled_message(wait: int) -> str:
    return _(
        "Too many proof checks from your network: at most %(limit)d a minute. Please try "
        "again in %(seconds)d seconds."
    ) % {"limit": settings.PROOF_VERIFY_PER_MINUTE, "seconds": wait}


@never_cache
@require_safe
def proof_verify_page(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what a proof's QR code says. No login; the name masked."""
    wait = proof_verify_wait(request)
    if wait:
        response = render(
            request,
            "proofs/verify_throttled.html",
            {"message": proof_verify_throttled_message(wait)},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    response = render(request, "proofs/verify.html", {"result": proof_verify(code=token)})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
