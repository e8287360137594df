"""What recognition adds to other apps' pages (filled in below)."""

from __future__ import annotations

from typing import Any


def team_honours(**kwargs: Any) -> dict[str, Any] | None:
    return None


def volunteer_recognition(**kwargs: Any) -> dict[str, Any] | None:
    return None
