"""The signed token in a proof's QR code: the proof number, signed with HMAC (Django's
signer) under the badges' signing key and a salt of its own, so a code cannot be made from a
printed number, and a badge's code is no proof's."""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing

SIGNING_SALT = "vetserve.proof"
NUMBER_RE = re.compile(r"^[A-Z2-7]{16}$")


def _signer() -> signing.Signer:
    return signing.Signer(key=settings.BADGE_SIGNING_KEY, salt=SIGNING_SALT)


def proof_token(number: str) -> str:
    return _signer().sign(number)


def proof_token_read(token: str) -> str | None:
    """The number in a genuine token, None for anything forged, altered or malformed."""
    try:
        number = _signer().unsign(token.strip())
    except signing.BadSignature:
        return None
    return number if NUMBER_RE.match(number) else None
