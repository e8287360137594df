"""Pages: log in (throttled), log out, the user's own account with API tokens and password,
and helping someone else into their account with a one-time password reset link."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from vetserve.accounts.forms import LoginForm, TokenCreateForm
from vetserve.accounts.models import User
from vetserve.accounts.services import (
    api_token_create,
    api_token_revoke,
    login_wait,
    password_reset_link_create,
    password_reset_link_find,
    password_reset_link_use,
)
from vetserve.accounts.services import password_change as password_change_service
from vetserve.core.access import may_change_somewhere, may_manage_account
from vetserve.core.context import client_from_request
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest


def _locked_message(wait: int) -> str:
    if wait <= 90:
        return _(
            "Too many failed attempts on this account. For your security, please wait "
            "%(seconds)d seconds and try again."
        ) % {"seconds": wait}
    return _(
        "Too many failed attempts. For your security, logging in is paused for "
        "%(minutes)d minutes. Please try again later or ask your administrator."
    ) % {"minutes": math.ceil(wait / 60)}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Django's authentication behind the login throttle (accounts/backends.py)."""
    if request.user.is_authenticated and request.method != "POST":
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        # The throttle lives in the authentication backend, so every login path shares it.
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            wait = login_wait(username=username, ip=client_from_request(request).ip)
            if wait > 0:
                form.add_error(None, _locked_message(wait))
            else:
                form.add_error(
                    None, _("The username or password is not correct. Please check and try again.")
                )
        else:
            login(request, user)
            return redirect(_next_url(request))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _account_page(
    request: AuthedRequest, form: TokenCreateForm, new_token: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "grants": user.active_grants(),
        "tokens": list(user.api_tokens.all()),
        "form": form,
        "new_token": new_token,
        "may_help_others": may_change_somewhere(user),
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@never_cache
def account(request: AuthedRequest) -> HttpResponse:
    return _account_page(request, TokenCreateForm())


@login_required
@never_cache
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    """Create a token and show it in this response only: it is stored nowhere in clear."""
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, raw = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Token “%(name)s” created. Copy it now.") % {"name": token.name}
            )
            return _account_page(request, TokenCreateForm(), new_token=raw)
    return _account_page(request, form, status=400)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    try:
        token = api_token_revoke(user=request.user, token_id=token_id)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:account")


@sensitive_post_parameters()
@csrf_protect
@login_required
@never_cache
def password_change(request: AuthedRequest) -> HttpResponse:
    """Change one's own password: this session stays logged in, every other session and every
    API token of the account ends, and the change is audited."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        password_change_service(
            user=user,
            password=form.cleaned_data["new_password1"],
            keep_session_key=request.session.session_key,
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect(_next_url(request) if request.GET.get("next") else "accounts:account")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "must_change": request.user.must_change_password},
    )


@sensitive_post_parameters()
@csrf_protect
@never_cache
def password_reset(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the one-time link an administrator issued. Choosing a password here spends the
    link and ends every session and API token of the account."""
    link = password_reset_link_find(token)
    if link is None:
        return render(request, "accounts/password_reset_invalid.html", status=404)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_link_use(raw=token, password=form.cleaned_data["new_password1"])
        except PermissionDenied:
            return render(request, "accounts/password_reset_invalid.html", status=404)
        if request.user.is_authenticated:
            logout(request)
        messages.success(request, _("Your new password is set. Log in with it."))
        return redirect(settings.LOGIN_URL)
    response = render(request, "accounts/password_reset.html", {"form": form, "account": link.user})
    # The secret is in the address: keep it out of other sites' logs and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@never_cache
def user_find(request: AuthedRequest) -> HttpResponse:
    """Find an account by its username, to help its owner in. "Not found" and "not yours"
    answer alike."""
    username = request.GET.get("username", "").strip()[:150]
    if username:
        account = User.objects.filter(username=username).first()
        if account is not None and may_manage_account(request.user, account):
            return redirect("accounts:user_detail", user_id=account.pk)
        messages.error(
            request,
            _("No account you may manage is called “%(username)s”.") % {"username": username},
        )
    return render(request, "accounts/user_find.html", {"username": username})


def _managed_account(request: AuthedRequest, user_id: int) -> User:
    account = User.objects.filter(pk=user_id).first()
    if account is None or not may_manage_account(request.user, account):
        raise Http404
    return account


@login_required
@never_cache
def user_detail(request: AuthedRequest, user_id: int) -> HttpResponse:
    account = _managed_account(request, user_id)
    return render(request, "accounts/user_detail.html", {"account": account, "reset_url": ""})


@login_required
@never_cache
@require_POST
def user_reset_link(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Issue a one-time password reset link, shown in this response only."""
    account = _managed_account(request, user_id)
    _link, raw = password_reset_link_create(actor=request.user, user=account)
    reset_url = request.build_absolute_uri(reverse("accounts:password_reset", args=[raw]))
    return render(
        request, "accounts/user_detail.html", {"account": account, "reset_url": reset_url}
    )
