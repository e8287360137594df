"""How audit entries read for people: labels for actions, object types and changed fields."""

from __future__ import annotations

import contextlib
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from vetserve.audit.models import AuditEntry

# What each recorded action means, for people reading the log. An action missing here (a new
# app's) is shown by its code, never hidden.
ACTION_LABELS = {
    "login": _("Logged in"),
    "login.failed": _("Failed login"),
    "grant.create": _("Role granted"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "password.change": _("Password changed"),
    "password.reset_link": _("Password reset link issued"),
    "password.reset": _("Password reset with a link"),
    "region.create": _("Region added"),
    "region.update": _("Region changed"),
    "organization.create": _("Organization added"),
    "organization.update": _("Organization changed"),
    "volunteer.register": _("Volunteer registered"),
    "volunteer.update": _("Volunteer changed"),
    "volunteer.status": _("Volunteer status changed"),
    "volunteer.reveal": _("Personal data revealed"),
    "volunteer.merge": _("Volunteers merged"),
    "volunteer.erase": _("Volunteer erased"),
    "account.close": _("Login closed after erasure"),
    "volunteer.health": _("Health data changed"),
    "volunteer.self_export": _("Volunteer exported own data"),
    "membership.add": _("Member added"),
    "membership.end": _("Membership ended"),
    "consent.grant": _("Consent given"),
    "correction.request": _("Correction requested"),
    "correction.resolve": _("Correction resolved"),
    # Check-ins and check-outs themselves are not here: their attendance rows are the record
    # (the attendance page of the log). What leaders do to them afterwards is.
    "attendance.confirm": _("Attendance confirmed"),
    "attendance.correct": _("Attendance corrected"),
    "attendance.add_on_the_spot": _("Added to a roster on the spot"),
    "attendance.auto_close": _("Missed check-outs closed"),
}


VIA_LABELS = {
    "web": _("web page"),
    "api": _("API"),
    "cli": _("command line"),
    "import": _("import"),
}


def via_label(via: str) -> str:
    return str(VIA_LABELS.get(via, via))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _model_for(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def object_type_label(label: str) -> str:
    model = _model_for(label) if label else None
    return str(model._meta.verbose_name) if model is not None else label


def change_rows(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field label, old, new) for each change, the field named as its form label."""
    model = _model_for(entry.object_type) if entry.object_type else None
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    rows = []
    for name, pair in changes.items():
        label = name
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                label = str(model._meta.get_field(name).verbose_name)
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        rows.append((label, old, new))
    return rows


def value_text(value: Any) -> str:
    """One recorded value as a reader sees it: empty as a dash, booleans as yes or no."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)
