"""Uploaded spreadsheets kept between the preview and the commit, for an hour at most.

The file waits in the database (`core.sealed_files`), named by a random token that only the
uploading user's session knows, so the commit reads exactly the bytes the preview showed
(and checks them again) without a second upload — on whichever app server the balancer sends
it to (issue 17: on each server's disk, a preview on one server was "expired" on the other).

A roster is personal data (ID and phone numbers in clear), so what waits is sealed: one row
per upload, encrypted with the data key (AES-GCM, `core.crypto.seal`, bound to its token so
that rows cannot be swapped), holding who uploaded it, its name and its bytes. Kept, not
discarded after the preview, because the commit must check and write exactly what the preview
showed; encrypted, so that a database dump without the keys holds no roster. Abandoned uploads
are removed by `purge_expired`: at every new upload and by the scheduled
`vetserve purge-uploads` (docs/operations.md).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass

from django.http import HttpRequest

from vetserve.core.crypto import DecryptionError, seal, unseal
from vetserve.core.sealed_files import (
    sealed_delete,
    sealed_exists,
    sealed_get,
    sealed_purge,
    sealed_put,
)
from vetserve.spreadsheets.limits import MAX_FILE_BYTES

MAX_AGE_SECONDS = 3600
# The most an upload form accepts; the forms say "at most 20 MB".
MAX_UPLOAD_BYTES = MAX_FILE_BYTES
SESSION_KEY = "spreadsheets_uploads"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    data: bytes
    filename: str
    org_id: int | None


def _name(token: str) -> str:
    return f"upload:{token}"


def purge_expired(now: float | None = None) -> int:
    """Remove every upload older than an hour; the number removed. ``now`` (seconds since the
    epoch) moves the clock, for tests."""
    age = MAX_AGE_SECONDS if now is None else MAX_AGE_SECONDS - int(now - time.time())
    return sealed_purge("upload:", older_than_seconds=age)


def _context(token: str) -> str:
    return f"spreadsheets.upload:{token}"


def upload_store(request: HttpRequest, *, data: bytes, filename: str, org_id: int | None) -> str:
    purge_expired()
    token = secrets.token_urlsafe(24)
    meta = {"user": request.user.pk, "filename": filename, "org": org_id, "at": time.time()}
    header = json.dumps(meta).encode()
    plain = len(header).to_bytes(4, "big") + header + data
    sealed_put(_name(token), seal(plain, context=_context(token)))
    earlier = request.session.get(SESSION_KEY, [])
    alive = sealed_exists([_name(t) for t in earlier])
    tokens = [t for t in earlier if _name(t) in alive]
    request.session[SESSION_KEY] = [*tokens, token][-5:]
    return token


def upload_load(request: HttpRequest, token: str) -> StoredUpload | None:
    """The stored upload, if this session made it, for this user, less than an hour ago."""
    if not _TOKEN.match(token) or token not in request.session.get(SESSION_KEY, []):
        return None
    stored = upload_read(token, user_id=request.user.pk)
    if stored is None:
        upload_discard(request, token)
    return stored


def upload_read(token: str, *, user_id: int | None) -> StoredUpload | None:
    """The stored upload if ``user_id`` made it less than an hour ago, without a session: for
    the background import, which holds the token in its job row (people.ImportJob) and runs
    for the job's owner. An expired or foreign upload is removed and reads as None."""
    if not _TOKEN.match(token) or user_id is None:
        return None
    sealed = sealed_get(_name(token))
    if sealed is None:
        return None
    try:
        plain = unseal(sealed, context=_context(token))
        size = int.from_bytes(plain[:4], "big")
        meta = json.loads(plain[4 : 4 + size])
        data = plain[4 + size :]
    except (ValueError, DecryptionError):
        return None
    if meta.get("user") != user_id or time.time() - meta["at"] > MAX_AGE_SECONDS:
        upload_remove(token)
        return None
    return StoredUpload(token=token, data=data, filename=meta["filename"], org_id=meta["org"])


def upload_remove(token: str) -> None:
    """Remove a stored upload (the background import, done with it)."""
    if _TOKEN.match(token):
        sealed_delete(_name(token))


def upload_discard(request: HttpRequest, token: str) -> None:
    upload_remove(token)
    tokens = request.session.get(SESSION_KEY, [])
    if token in tokens:
        request.session[SESSION_KEY] = [t for t in tokens if t != token]
