"""Every write to campaigns, activities, shifts, sign-ups and outcome figures goes through here:
pages, API, demo and commands alike.

One module per thing managed: ``campaigns``, ``activities`` (with outcome figures), ``shifts``
(one or a recurring series), ``requirements`` (a shift's requirements), ``signups`` (the check,
sign up, withdraw, waitlist promotion, the erasure hook, the call number). The pure computations
they use live beside this package: ``activities.series`` (the windows of a recurring series)
and ``activities.hours`` (hours per day for the limits). Import from here:
``from vetserve.activities.services import signup_create``."""

from vetserve.activities.series import (
    ShiftTemplate,
    rotation_windows,
    series_windows,
    weekly_windows,
)
from vetserve.activities.services.activities import (
    ACTIVITY_FIELDS,
    activity_create,
    activity_status_change,
    activity_update,
    outcome_record,
)
from vetserve.activities.services.campaigns import (
    CAMPAIGN_FIELDS,
    campaign_create,
    campaign_update,
)
from vetserve.activities.services.requirements import (
    REQUIREMENT_KEYS,
    requirement_clean,
    shift_requirement,
)
from vetserve.activities.services.shifts import (
    shift_create,
    shift_series_create,
    shift_update,
)
from vetserve.activities.services.signups import (
    SignUpCheck,
    shift_call_number,
    signup_check,
    signup_create,
    signup_limit_problems,
    signup_withdraw,
    signups_end_on_erasure,
)

__all__ = [
    "ACTIVITY_FIELDS",
    "CAMPAIGN_FIELDS",
    "REQUIREMENT_KEYS",
    "ShiftTemplate",
    "SignUpCheck",
    "activity_create",
    "activity_status_change",
    "activity_update",
    "campaign_create",
    "campaign_update",
    "outcome_record",
    "requirement_clean",
    "rotation_windows",
    "series_windows",
    "shift_call_number",
    "shift_create",
    "shift_requirement",
    "shift_series_create",
    "shift_update",
    "signup_check",
    "signup_create",
    "signup_limit_problems",
    "signup_withdraw",
    "signups_end_on_erasure",
    "weekly_windows",
]
