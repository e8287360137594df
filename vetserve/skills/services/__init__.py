"""Every write to skills, qualifications and training goes through here: pages, API, the
qualification import, the demo and commands alike.

One module per thing managed: ``catalogue`` (skills, qualification types, military specialty
mappings; city administrators only), ``holdings`` (what volunteers hold: skills and
qualifications), ``training`` (courses, sessions, enrolments, results), ``reminders`` (expiry
reminders); ``_access`` turns the decisions of ``core.access`` into the PermissionDenied the
writes raise. Import from here: ``from vetserve.skills.services import qualification_add``."""

from vetserve.skills.services.catalogue import (
    catalogue_may_edit,
    qualification_type_save,
    skill_save,
    specialty_mapping_delete,
    specialty_mapping_save,
)
from vetserve.skills.services.holdings import (
    default_expiry,
    qualification_add,
    qualification_revoke,
    qualification_update,
    qualification_verify,
    specialty_skills,
    volunteer_skill_confirm,
    volunteer_skill_grant,
    volunteer_skills_derive,
)
from vetserve.skills.services.reminders import REMINDER_THRESHOLDS, qualification_reminders_send
from vetserve.skills.services.training import (
    EnrolmentResult,
    course_create,
    enrolment_add,
    session_create,
    session_record_results,
)

__all__ = [
    "REMINDER_THRESHOLDS",
    "EnrolmentResult",
    "catalogue_may_edit",
    "course_create",
    "default_expiry",
    "enrolment_add",
    "qualification_add",
    "qualification_reminders_send",
    "qualification_revoke",
    "qualification_type_save",
    "qualification_update",
    "qualification_verify",
    "session_create",
    "session_record_results",
    "skill_save",
    "specialty_mapping_delete",
    "specialty_mapping_save",
    "specialty_skills",
    "volunteer_skill_confirm",
    "volunteer_skill_grant",
    "volunteer_skills_derive",
]
