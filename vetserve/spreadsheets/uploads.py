"""Uploaded spreadsheets kept between the preview and the commit, for an hour at most.

The file stays on the server under VAR_DIR/uploads, named by a random token that only the
uploading user's session knows, so the commit reads exactly the bytes the preview showed
(and checks them again) without a second upload.

A roster is personal data (ID and phone numbers in clear), so what waits on disk is sealed:
one file per upload, encrypted with the data key (AES-GCM, `core.crypto.seal`, bound to its
token so that files cannot be swapped), holding who uploaded it, its name and its bytes; the
file is 0600 in a 0700 folder, both set explicitly rather than left to the umask. Kept, not
discarded after the preview, because the commit must check and write exactly what the preview
showed; encrypted, so that a copy of the disk or a backup of VAR_DIR without the keys holds no
roster. Abandoned uploads are removed by `purge_expired`: at every new upload and by the
scheduled `vetserve purge-uploads` (docs/operations.md).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

from vetserve.core.crypto import DecryptionError, seal, unseal
from vetserve.spreadsheets.limits import MAX_FILE_BYTES

MAX_AGE_SECONDS = 3600
# The most an upload form accepts; the forms say "at most 20 MB".
MAX_UPLOAD_BYTES = MAX_FILE_BYTES
SESSION_KEY = "spreadsheets_uploads"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
SUFFIX = ".upload"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    data: bytes
    filename: str
    org_id: int | None


def upload_folder() -> Path:
    """VAR_DIR/uploads, created private to the service user (and made so if it was not)."""
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o777 != FOLDER_MODE:
        folder.chmod(FOLDER_MODE)
    return folder


def purge_expired(now: float | None = None) -> int:
    """Remove every upload older than an hour (and anything else left in the folder as old,
    such as the clear-text files of earlier versions); the number removed."""
    now = time.time() if now is None else now
    removed = 0
    for path in upload_folder().glob("*"):
        try:
            expired = now - path.stat().st_mtime > MAX_AGE_SECONDS
        except FileNotFoundError:
            continue  # removed meanwhile by another worker
        if expired:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _context(token: str) -> str:
    return f"spreadsheets.upload:{token}"


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # whatever the umask took away or left
        with os.fdopen(fd, "wb", closefd=False) as stream:
            stream.write(content)
    finally:
        os.close(fd)


def upload_store(request: HttpRequest, *, data: bytes, filename: str, org_id: int | None) -> str:
    purge_expired()
    token = secrets.token_urlsafe(24)
    folder = upload_folder()
    meta = {"user": request.user.pk, "filename": filename, "org": org_id, "at": time.time()}
    header = json.dumps(meta).encode()
    plain = len(header).to_bytes(4, "big") + header + data
    _write_private(folder / f"{token}{SUFFIX}", seal(plain, context=_context(token)))
    tokens = [t for t in request.session.get(SESSION_KEY, []) if (folder / f"{t}{SUFFIX}").exists()]
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
    try:
        plain = unseal((upload_folder() / f"{token}{SUFFIX}").read_bytes(), context=_context(token))
        size = int.from_bytes(plain[:4], "big")
        meta = json.loads(plain[4 : 4 + size])
        data = plain[4 + size :]
    except (OSError, ValueError, DecryptionError):
        return None
    if meta.get("user") != user_id or time.time() - meta["at"] > MAX_AGE_SECONDS:
        upload_remove(token)
        return None
    return StoredUpload(token=token, data=data, filename=meta["filename"], org_id=meta["org"])


def upload_remove(token: str) -> None:
    """Remove a stored upload's file (the background import, done with it)."""
    if _TOKEN.match(token):
        (upload_folder() / f"{token}{SUFFIX}").unlink(missing_ok=True)


def upload_discard(request: HttpRequest, token: str) -> None:
    upload_remove(token)
    tokens = request.session.get(SESSION_KEY, [])
    if token in tokens:
        request.session[SESSION_KEY] = [t for t in tokens if t != token]
