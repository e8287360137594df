"""The environment of `vetserve demo`, prepared before Django reads its settings.

The demo needs no set-up: on first run it writes ``var/demo.env`` with random keys and reuses
them afterwards, so demo logins and encrypted demo data survive a restart. The demo always runs
on its own SQLite file (``var/demo.sqlite3``), whatever DATABASE_URL says: it builds fake data
and must never touch a real database. ``VETSERVE_DEMO_DATABASE_URL`` points it elsewhere on
purpose (e.g. to try the demo on PostgreSQL).
"""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
import socket
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ENV_FILE_NAME = "demo.env"
DATABASE_FILE_NAME = "demo.sqlite3"

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def _random_key() -> str:
    # Same format as vetserve.core.crypto.new_key (32 random bytes, url-safe base64); not
    # imported from there because Django's settings must not be touched yet.
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


# Keys written to var/demo.env on first run. A later release may append entries: an existing
# file keeps its values and only gains the keys it lacks.
GENERATED_KEYS: dict[str, Callable[[], str]] = {
    "VETSERVE_SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "VETSERVE_DATA_KEYS": lambda: f"demo1:{_random_key()}",
    "VETSERVE_DATA_KEY_ID": lambda: "demo1",
    "VETSERVE_BLIND_INDEX_KEY": _random_key,
}


def var_dir() -> Path:
    """The same directory as settings.VAR_DIR, computed without importing the settings."""
    return Path(os.environ.get("VETSERVE_VAR_DIR") or BASE_DIR / "var")


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines; blank lines and ``#`` comments are skipped."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip()
    return values


def _write_missing_keys(path: Path, existing: dict[str, str]) -> dict[str, str]:
    missing = {name: make() for name, make in GENERATED_KEYS.items() if name not in existing}
    if not missing:
        return existing
    new_file = not path.exists()
    lines = []
    if new_file:
        lines.append("# Keys of the VetServe demo, generated on first run. Demo only: never reuse")
        lines.append("# them for a real deployment (`vetserve keys` prints fresh ones).")
    lines.extend(f"{name}={value}" for name, value in missing.items())
    # Owner-only from the first byte: the file holds the keys to the (fake) personal data.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return {**existing, **missing}


def lan_addresses() -> list[str]:
    """This machine's own non-loopback IPv4 addresses, best effort, without network traffic."""
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    try:
        # Connecting a UDP socket sends nothing; it only asks the kernel which address a packet
        # to the LAN would leave from.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            found.append(str(probe.getsockname()[0]))
    except OSError:
        pass
    result: list[str] = []
    for address in found:
        ip = ipaddress.ip_address(address)
        if not (ip.is_loopback or ip.is_unspecified) and address not in result:
            result.append(address)
    return result


def default_allowed_hosts() -> list[str]:
    """Loopback names plus this machine's name and LAN addresses, so `vetserve demo --host
    0.0.0.0` can be opened from a colleague's phone or PC in the same office."""
    hosts = list(LOOPBACK_HOSTS)
    try:
        name = socket.gethostname()
    except OSError:
        name = ""
    for host in [name, *lan_addresses()]:
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def prepare_demo_environment() -> Path:
    """Create var/, load or create var/demo.env and point the settings at the demo database.

    Returns the var directory. Values already in the environment win over the file, except
    DATABASE_URL, which the demo always replaces (see the module docstring).
    """
    var = var_dir().absolute()
    # 0700: it holds the keys and the database (core/files.py; not imported from there so
    # that nothing of the package loads before the environment is ready).
    var.mkdir(parents=True, exist_ok=True, mode=0o700)
    if var.stat().st_mode & 0o077:
        var.chmod(0o700)
    # whitenoise warns about a missing STATIC_ROOT even when it serves from the finders.
    Path(os.environ.get("VETSERVE_STATIC_ROOT") or var / "static").mkdir(exist_ok=True)
    env_file = var / ENV_FILE_NAME
    values = _write_missing_keys(env_file, read_env_file(env_file))
    for name, value in values.items():
        os.environ.setdefault(name, value)
    os.environ["DATABASE_URL"] = (
        os.environ.get("VETSERVE_DEMO_DATABASE_URL") or f"sqlite:///{var / DATABASE_FILE_NAME}"
    )
    os.environ.setdefault("VETSERVE_ALLOWED_HOSTS", ",".join(default_allowed_hosts()))
    return var
