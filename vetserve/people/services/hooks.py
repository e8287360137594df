"""The hooks later apps register on (in their ``AppConfig.ready``) to act on a volunteer's
status change, erasure and merge: badges, sign-ups. Each list is one object that the apps
append to and the services here call in turn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vetserve.core.access import Actor
    from vetserve.people.models import Volunteer


class StatusHook(Protocol):
    def __call__(
        self, *, actor: Actor | None, volunteer: Volunteer, old: str, new: str, reason: str
    ) -> None: ...


class EraseHook(Protocol):
    def __call__(self, *, actor: Actor | None, volunteer: Volunteer, reason: str) -> None: ...


class ConsentHook(Protocol):
    def __call__(self, *, volunteer: Volunteer, purpose: str, granted: bool) -> None: ...


class MergeHook(Protocol):
    def __call__(self, *, keep: Volunteer, drop: Volunteer) -> None: ...


# Called as hook(keep=, drop=) while a duplicate is folded in: later apps (badges, hours)
# move their rows to the record kept.
MERGE_HOOKS: list[MergeHook] = []
# Called before a record is erased as hook(actor=, volunteer=, reason=): what the person held
# must stop working (badges, sign-ups) while the name is still there to word it.
ERASE_HOOKS: list[EraseHook] = []
# Called after a status change as hook(actor=, volunteer=, old=, new=, reason=): a volunteer
# who leaves must not keep a badge that verifies as valid.
STATUS_HOOKS: list[StatusHook] = []
# Called after a consent is recorded or withdrawn as hook(volunteer=, purpose=, granted=): the
# public face forgets its cached pages, so a withdrawn publication consent takes the name off
# at once (PIPL Art 25).
CONSENT_HOOKS: list[ConsentHook] = []
