"""The one way a password is checked: Django's model backend behind the login throttle.

Every login path calls Django's ``authenticate`` (the login page, the Django admin's login page,
anything added later), and ``authenticate`` asks this backend, so no path can skip the throttle.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from vetserve.accounts.models import User
from vetserve.accounts.services import login_failure_record, login_success_record, login_wait
from vetserve.core.context import client_ip


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        if login_wait(username=username, ip=ip) > 0:
            # No password check at all while throttled: a guesser learns nothing. Raising (not
            # returning None) stops Django from asking any other backend.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(username=username, ip=ip)
            return None
        login_success_record(user=user, ip=ip)
        return user
