"""Every write to the roster goes through here: pages, API, import and commands alike.

One module per thing managed: ``volunteers`` (register, correct or complete, reveal a full
number), ``status`` (status changes and memberships), ``consents`` (separate consents, the
health declaration, correction requests), ``records`` (a person's own export, erasure, merging
duplicates) and ``keys`` (encryption contexts, blind indexes, key rotation); ``hooks`` holds
the lists later apps register on. Import from here:
``from vetserve.people.services import volunteer_register``."""

from vetserve.people.services.consents import (
    consent_record,
    correction_request_create,
    correction_request_resolve,
    has_consent,
    health_declare,
)
from vetserve.people.services.hooks import (
    CONSENT_HOOKS,
    ERASE_HOOKS,
    MERGE_HOOKS,
    STATUS_HOOKS,
    ConsentHook,
    EraseHook,
    MergeHook,
    StatusHook,
)
from vetserve.people.services.keys import (
    DISCHARGE_CONTEXT,
    EMERGENCY_CONTEXT,
    HEALTH_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    REVEALABLE,
    id_index,
    phone_index,
    rotate_keys,
    volunteer_reveal_value,
)
from vetserve.people.services.records import (
    ERASED_NAME,
    VolunteerData,
    volunteer_data_export,
    volunteer_erase,
    volunteer_merge,
    volunteer_self_export,
)
from vetserve.people.services.status import (
    membership_add,
    membership_end,
    volunteer_status_change,
)
from vetserve.people.services.volunteers import (
    CONSENT_TEXT_VERSION,
    DETAIL_FIELDS,
    CheckedIdentity,
    check_identity,
    duplicate_message,
    volunteer_register,
    volunteer_reveal,
    volunteer_update,
)

__all__ = [
    "CONSENT_HOOKS",
    "CONSENT_TEXT_VERSION",
    "DETAIL_FIELDS",
    "DISCHARGE_CONTEXT",
    "EMERGENCY_CONTEXT",
    "ERASED_NAME",
    "ERASE_HOOKS",
    "HEALTH_CONTEXT",
    "ID_CONTEXT",
    "MERGE_HOOKS",
    "PHONE_CONTEXT",
    "REVEALABLE",
    "STATUS_HOOKS",
    "CheckedIdentity",
    "ConsentHook",
    "EraseHook",
    "MergeHook",
    "StatusHook",
    "VolunteerData",
    "check_identity",
    "consent_record",
    "correction_request_create",
    "correction_request_resolve",
    "duplicate_message",
    "has_consent",
    "health_declare",
    "id_index",
    "membership_add",
    "membership_end",
    "phone_index",
    "rotate_keys",
    "volunteer_data_export",
    "volunteer_erase",
    "volunteer_merge",
    "volunteer_register",
    "volunteer_reveal",
    "volunteer_reveal_value",
    "volunteer_self_export",
    "volunteer_status_change",
    "volunteer_update",
]
