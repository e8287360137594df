"""The dispatch engine: plain data in, proposals with reasons out (issue 16).

Pure Python, so it can be reasoned about and tested without a database: it imports nothing of
Django or of the rest of VetServe, and CI checks that (import-linter, pyproject.toml). The
Django side that feeds it lives beside it in ``vetserve/dispatch/``.
"""

from vetserve.dispatch.engine.model import (
    Assignment,
    Candidate,
    Interval,
    Limits,
    Place,
    Problem,
    Proposal,
    Reason,
    Reserve,
    ShiftRequest,
    Unfilled,
    Weights,
)
from vetserve.dispatch.engine.solver import solve

__all__ = [
    "Assignment",
    "Candidate",
    "Interval",
    "Limits",
    "Place",
    "Problem",
    "Proposal",
    "Reason",
    "Reserve",
    "ShiftRequest",
    "Unfilled",
    "Weights",
    "solve",
]
