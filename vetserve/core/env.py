"""Typed readers for settings that come from the environment.

Each helper fails loudly (ImproperlyConfigured) on a value it cannot parse, so a typo in a
deployment shows up at start-up and not as odd behaviour later.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        result = default
    else:
        try:
            result = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None
    if minimum is not None and result < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {result}.")
    return result


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Options Django reads as booleans (``?server_side_binding=true``); the rest go to libpq as text.
_FLAGS = {"server_side_binding"}


def _postgres_options(options: dict[str, str]) -> dict[str, object]:
    """The OPTIONS of a PostgreSQL entry: flags as booleans, ``prepare_threshold`` as a number
    (empty: never prepare), the rest as text for libpq."""
    result: dict[str, object] = {}
    for key, value in options.items():
        if key in _FLAGS:
            result[key] = value.lower() in _TRUE
        elif key == "prepare_threshold":
            try:
                result[key] = int(value) if value.strip() else None
            except ValueError:
                raise ImproperlyConfigured(
                    f"DATABASE_URL prepare_threshold must be a number, got {value!r}."
                ) from None
        else:
            result[key] = value
    return result


def parse_database_url(url: str) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry."""
    parsed = urlparse(url)
    options = {
        key: values[-1] for key, values in parse_qs(parsed.query, keep_blank_values=True).items()
    }
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("//") or path.startswith("/"):  # sqlite:////abs/path
            path = path[1:]
        if not path:
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file path.")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; the busy timeout makes a second
                # writer wait instead of failing at once; IMMEDIATE takes the write lock up front
                # so a read-then-write transaction cannot deadlock.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL for PostgreSQL needs a database name.")
        # Server-side binding and prepared statements only when the URL asks for them
        # (docs/operations.md): they halve PostgreSQL's work per check-in, but Django's
        # support has known rough edges (some expressions need client-side binding) and
        # poolers must keep prepared statements, so they are an operator's choice.
        # No JIT compilation: a page's query with a high cost estimate (a subquery per row)
        # spent 340 ms compiling and 55 ms running (the home page at 10×, issue 14); JIT pays
        # off only for long analytic queries. ``?options=…`` replaces this.
        options.setdefault("options", "-c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": options.pop("health_checks", "true").lower() in _TRUE,
            "OPTIONS": _postgres_options(options),
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite:/// or postgres://)."
    )


def database_url(name: str, default: str) -> dict[str, object]:
    return parse_database_url(env_str(name, default))


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``; anything else stops the start with the choices named."""
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value
