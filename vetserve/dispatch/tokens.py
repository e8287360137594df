"""The short signed link in an invitation: ``/i/<token><signature>``.

The token is the invitation's random 80 bits (16 base32 characters), never a personal id; the
signature, 12 hex digits of a keyed HMAC over it (the deployment's SECRET_KEY), turns away a
forged or mistyped link before any database look-up.
"""

from __future__ import annotations

import hmac

from django.urls import reverse
from django.utils.crypto import salted_hmac

from vetserve.dispatch import conf
from vetserve.dispatch.models import TOKEN_LENGTH, Invitation

SALT = "vetserve.dispatch.invitation"
SIGNATURE_LENGTH = 12


def _signature(token: str) -> str:
    return salted_hmac(SALT, token, algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]


def sign(token: str) -> str:
    return token + _signature(token)


def unsign(code: str) -> str | None:
    """The token inside a link's code, or None when the signature does not match."""
    token, signature = code[:TOKEN_LENGTH], code[TOKEN_LENGTH:]
    if len(token) != TOKEN_LENGTH or not hmac.compare_digest(signature, _signature(token)):
        return None
    return token


def invitation_path(invitation: Invitation) -> str:
    return reverse("dispatch_answer", args=[sign(invitation.token)])


def invitation_link(invitation: Invitation) -> str:
    """The link put in the SMS and the in-app message; absolute when a base URL is set."""
    return conf.link_base_url() + invitation_path(invitation)
