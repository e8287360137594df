"""Personal data at rest: authenticated encryption with rotatable keys, and a blind index.

A stored value looks like ``k2:<base64(nonce || ciphertext || tag)>``: the key id travels with
the value, so `vetserve rotate-keys` can re-encrypt old rows while new rows use the current key.
The blind index is a keyed HMAC of the normalised value: it allows exact look-up ("who has this
ID number?") without storing or revealing the number (PIPL Art 51; DOMAIN.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


class DecryptionError(Exception):
    """A value could not be decrypted: unknown key id, wrong key or tampered data."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current: str
    index_key: bytes


def _decode_key(text: str, name: str) -> bytes:
    text = text.strip()
    try:
        # validate=True: a character outside url-safe base64 (a stray ":" or "$") is an error,
        # not silently dropped, which would load some other key than the one written.
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except ValueError:
        raise ImproperlyConfigured(f"{name} is not valid base64.") from None
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must decode to 32 bytes (got {len(raw)}).")
    return raw


def parse_keyring(data_keys: str, current: str, index_key: str) -> Keyring:
    """``data_keys`` is ``id:base64key,id:base64key``; ``current`` names the one for new values."""
    keys: dict[str, bytes] = {}
    for item in data_keys.split(","):
        if not item.strip():
            continue
        key_id, sep, value = item.strip().partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured("VETSERVE_DATA_KEYS entries look like k1:BASE64KEY.")
        if ":" in value:
            raise ImproperlyConfigured(
                f"VETSERVE_DATA_KEYS[{key_id}] holds a second colon: entries look like "
                "k1:BASE64KEY, separated by commas."
            )
        keys[key_id] = _decode_key(value, f"VETSERVE_DATA_KEYS[{key_id}]")
    if not keys:
        raise ImproperlyConfigured("VETSERVE_DATA_KEYS holds no key.")
    current = current or next(reversed(keys))
    if current not in keys:
        raise ImproperlyConfigured(
            f"VETSERVE_DATA_KEY_ID {current!r} is not in VETSERVE_DATA_KEYS."
        )
    return Keyring(keys=keys, current=current, index_key=_decode_key(index_key, "blind index key"))


@lru_cache(maxsize=4)
def _keyring(data_keys: str, current: str, index_key: str) -> Keyring:
    return parse_keyring(data_keys, current, index_key)


def keyring() -> Keyring:
    return _keyring(settings.DATA_KEYS, settings.DATA_KEY_ID, settings.BLIND_INDEX_KEY)


@lru_cache(maxsize=16)
def _cipher(key: bytes) -> AESGCM:
    # One per key: building it costs more than decrypting a short value (eligibility decrypts
    # a birth date per volunteer it checks).
    return AESGCM(key)


def new_key() -> str:
    """A fresh random key, base64 — for `.env` files and key rotation."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext``; ``context`` (e.g. "volunteer.id_number") is bound as associated
    data so a value copied into another column does not decrypt there."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(ring.keys[ring.current]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{ring.current}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, *, context: str) -> str:
    key_id, sep, payload = stored.partition(":")
    ring = keyring()
    if not sep or key_id not in ring.keys:
        raise DecryptionError(f"unknown key id {key_id!r}")
    try:
        raw = base64.b64decode(payload)
        plain = _cipher(ring.keys[key_id]).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()
        )
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("value does not decrypt") from exc
    return plain.decode()


def key_id_of(stored: str) -> str:
    return stored.partition(":")[0]


def blind_index(value: str, *, context: str) -> str:
    """Keyed HMAC-SHA256 of a normalised value, hex; equal inputs give equal indexes."""
    mac = hmac.new(keyring().index_key, f"{context}\x00{value}".encode(), hashlib.sha256)
    return mac.hexdigest()


def seal(data: bytes, *, context: str) -> bytes:
    """Encrypt bytes (a whole file) under the current data key: ``keyid:`` then nonce,
    ciphertext and tag. ``context`` is bound as associated data, as in `encrypt`."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current]).encrypt(nonce, data, context.encode())
    return ring.current.encode() + b":" + nonce + sealed


def unseal(stored: bytes, *, context: str) -> bytes:
    """The bytes `seal` sealed with the same ``context``; DecryptionError if not."""
    key_id, sep, payload = stored.partition(b":")
    ring = keyring()
    key = ring.keys.get(key_id.decode("ascii", "replace")) if sep else None
    if key is None:
        raise DecryptionError(f"unknown key id {key_id[:20]!r}")
    try:
        return AESGCM(key).decrypt(payload[:NONCE_BYTES], payload[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("value does not decrypt") from exc
