"""How audit entries read for people: labels for actions, object types and changed fields."""

from __future__ import annotations

import contextlib
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

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
    "audit.purge": _("Old audit entries removed"),
    "user.create": _("Login created"),
    "activity.create": _("Activity planned"),
    "activity.update": _("Activity changed"),
    "activity.status": _("Activity status changed"),
    "campaign.create": _("Campaign created"),
    "campaign.update": _("Campaign changed"),
    "outcome.record": _("Outcome figure recorded"),
    "shift.create": _("Shift added"),
    "shift.series_create": _("Recurring shifts added"),
    "shift.update": _("Shift changed"),
    "shift.call": _("Volunteer called from a roster"),
    "signup.override": _("Signed up despite a requirement"),
    "signup.promote": _("Moved up from the waitlist"),
    "signup.remove": _("Taken off a roster"),
    "signup.withdraw": _("Withdrew from a shift"),
    "badge.issue": _("Badge issued"),
    "badge.issue_bulk": _("Badges issued in bulk"),
    "badge.lost": _("Badge reported lost"),
    "badge.revoke": _("Badge revoked"),
    "badge.reissue": _("Badge reissued"),
    "badge.print": _("Badge printed"),
    "course.create": _("Course added"),
    "session.create": _("Training session added"),
    "session.results": _("Training results recorded"),
    "enrolment.add": _("Enrolled in training"),
    "qualification.update": _("Qualification changed"),
    "qualification.import": _("Qualifications imported"),
    "qualification.remind": _("Expiry reminders sent"),
    "qualification_type.update": _("Qualification type changed"),
    "skill_catalogue.update": _("Skill catalogue changed"),
    "specialty_mapping.update": _("Military specialty changed"),
    "specialty_mapping.delete": _("Military specialty removed"),
    "roster.export": _("Roster exported"),
    "audit.export": _("Audit log exported"),
    "campaign.export": _("Campaign exported"),
    "roster.import": _("Roster imported"),
    "demo.build": _("Demo data built"),
    # The ledger: ledger.<source> for hours recorded (ledger/services.py), then its own steps.
    "ledger.leader": _("Hours entered by a leader"),
    "ledger.back_entry": _("Hours back-entered"),
    "ledger.attendance": _("Hours recorded from attendance"),
    "ledger.transfer_in": _("Hours transferred in"),
    "ledger.correct": _("Hours corrected"),
    "ledger.confirm": _("Hours confirmed"),
    "ledger.from_attendance": _("Attendance turned into hours"),
    "stats.rebuild": _("Dashboard figures rebuilt"),
    "proof.issue": _("Proof of service issued"),
    "proof.revoke": _("Proof of service revoked"),
    # Recognition (recognition/services.py).
    "recognition.star_settings": _("Star rules set"),
    "recognition.star_grant": _("Star granted"),
    "recognition.award": _("Award recorded"),
    "recognition.evaluation": _("Evaluation recorded"),
    "recognition.team_honour": _("Team honour recorded"),
    "proof.download": _("Proof of service downloaded"),
    "availability.set": _("Availability declared"),
    "unavailability.add": _("Unavailable period added"),
    "unavailability.remove": _("Unavailable period removed"),
    "callout.create": _("Call-out created"),
    "callout.close": _("Call-out closed"),
    "dispatch.propose": _("Dispatch proposal run"),
    "dispatch.line_remove": _("Taken off a dispatch proposal"),
    "dispatch.line_add": _("Added to a dispatch proposal"),
    "dispatch.invite": _("Invited to a call-out"),
    "dispatch.accepted": _("Call-out invitation accepted"),
    "dispatch.declined": _("Call-out invitation declined"),
    "dispatch.refused": _("Call-out acceptance refused by the roster"),
    "dispatch.expired": _("Call-out invitation unanswered in time"),
    "selection.create": _("Selection defined"),
    "selection.run": _("Selection run"),
    "selection.approve": _("Selection approved"),
    "selection.reject": _("Selection rejected"),
    "selection.export": _("Selection exported"),
    "public.post_create": _("Public post written"),
    "public.post_update": _("Public post changed"),
    "public.photo_add": _("Photo added to a public post"),
    "public.photo_remove": _("Photo removed from a public post"),
    "ledger.workday_rule": _("Working-day rule entered"),
    "ledger.workday_rule_delete": _("Working-day rule removed"),
    "exchange.export": _("Service records exported (exchange format)"),
    "exchange.import": _("Service records imported (exchange format)"),
    "exchange.statement": _("Yearly statement downloaded"),
    "ledger.claim": _("Hours claimed"),
    "ledger.claim_approve": _("Hours claim approved"),
    "ledger.claim_reject": _("Hours claim rejected"),
}

# Changed values recorded under a key that is no field of the object (a count, a list of
# numbers …): their labels. A key missing here and on the model is shown as it is.
FIELD_LABELS = {
    "count": _("count"),
    "numbers": _("numbers"),
    "number": _("number"),
    "status": _("status"),
    "state": _("state"),
    "reason": _("reason"),
    "shift": _("shift"),
    "series": _("shifts"),
    "session": _("training session"),
    "skills": _("skills"),
    "skill": _("skill"),
    "field": _("field"),
    "deleted": _("deleted"),
    "closed": _("closed"),
    "sent": _("sent"),
    "merged": _("merged"),
    "role": _("role"),
    "revoked": _("revoked"),
    "purpose": _("purpose"),
    "quantity": _("quantity"),
    "organization": _("organization"),
    "version": _("version"),
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


def action_codes() -> list[str]:
    """The actions the log's filter offers: every code the code base records (a test keeps
    ACTION_LABELS complete). From the code, not from the rows: a DISTINCT over a million
    entries cost ~0.3 s on every view of the log (issue 14)."""
    return list(ACTION_LABELS)


def object_type_choices() -> list[tuple[str, str]]:
    """(label, name) of every model of the project's own apps, by name: what an entry can be
    about (``audit_record`` keeps the object's ``_meta.label_lower``)."""
    choices = {
        model._meta.label_lower: object_type_label(model._meta.label_lower)
        for config in apps.get_app_configs()
        if config.name.startswith("vetserve.")
        for model in config.get_models()
    }
    return sorted(choices.items(), key=lambda c: c[1])


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
        label = str(FIELD_LABELS.get(name, name))
        choices: dict[Any, Any] = {}
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                field = model._meta.get_field(name)
                label = str(getattr(field, "verbose_name", label))
                # A status recorded as its code ("published") reads as its label (已发布).
                choices = {str(k): v for k, v in (getattr(field, "flatchoices", None) or [])}
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        if choices:
            old, new = (choices.get(str(v), v) if v is not None else v for v in (old, new))
        rows.append((label, old, new))
    return rows


def value_text(value: Any) -> str:
    """One recorded value as a reader sees it: empty as a dash, booleans as yes or no."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return pgettext("list separator", ", ").join(value_text(v) for v in value) or "—"
    return str(value)


def actor_text(entry: AuditEntry) -> str:
    """Who acted, as people know them: the display name (the login when there is none, or
    when the login was removed since)."""
    actor = entry.actor
    name = getattr(actor, "display_name", "") if actor is not None else ""
    return name or entry.actor_name
