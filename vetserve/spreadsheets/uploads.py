"""Uploaded spreadsheets kept between the preview and the commit, for an hour at most.

The file stays on the server under VAR_DIR/uploads, named by a random token that only the
uploading user's session knows, so the commit reads exactly the bytes the preview showed
(and checks them again) without a second upload.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

MAX_AGE_SECONDS = 3600
# The most an upload form accepts; the forms say "at most 20 MB".
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SESSION_KEY = "spreadsheets_uploads"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    data: bytes
    filename: str
    org_id: int | None


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def purge_expired(now: float | None = None) -> int:
    now = time.time() if now is None else now
    removed = 0
    for path in _folder().glob("*"):
        if now - path.stat().st_mtime > MAX_AGE_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def upload_store(request: HttpRequest, *, data: bytes, filename: str, org_id: int | None) -> str:
    purge_expired()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"user": request.user.pk, "filename": filename, "org": org_id, "at": time.time()}
    (folder / f"{token}.json").write_text(json.dumps(meta))
    tokens = [t for t in request.session.get(SESSION_KEY, []) if (folder / f"{t}.bin").exists()]
    request.session[SESSION_KEY] = [*tokens, token][-5:]
    return token


def upload_load(request: HttpRequest, token: str) -> StoredUpload | None:
    """The stored upload, if this session made it, for this user, less than an hour ago."""
    if not _TOKEN.match(token) or token not in request.session.get(SESSION_KEY, []):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user") != request.user.pk or time.time() - meta["at"] > MAX_AGE_SECONDS:
        upload_discard(request, token)
        return None
    return StoredUpload(token=token, data=data, filename=meta["filename"], org_id=meta["org"])


def upload_discard(request: HttpRequest, token: str) -> None:
    folder = _folder()
    for suffix in (".bin", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)
    tokens = request.session.get(SESSION_KEY, [])
    if token in tokens:
        request.session[SESSION_KEY] = [t for t in tokens if t != token]
