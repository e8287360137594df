"""Pages: the roster, one volunteer's page and its actions, register and correct, duplicates
and merging, erasing, a volunteer's own data, and the open correction requests.

Who may do what is decided where the services decide it: seeing a volunteer is
`access_volunteer` (404 for "not yours" and "does not exist" alike); changing one needs CHANGE
over the home organization, and someone who may see but not change gets 403.

One module per thing managed: ``roster`` (the list), ``volunteer`` (one volunteer's page and
its actions), ``register`` (register and correct), ``me`` (the person's own pages),
``duplicates`` (duplicates, merging, open correction requests); ``people/urls.py`` names
their views. The names are re-exported here too."""

from vetserve.people.views._shared import age_on, volunteer_to_change
from vetserve.people.views.duplicates import corrections_page, duplicates_page, merge_page
from vetserve.people.views.me import me_consent, me_correction, me_download, me_page
from vetserve.people.views.register import volunteer_check, volunteer_create, volunteer_edit
from vetserve.people.views.roster import volunteer_list_page
from vetserve.people.views.volunteer import (
    consent_record,
    correction_resolve,
    membership_add,
    membership_end,
    volunteer_detail,
    volunteer_erase,
    volunteer_reveal,
    volunteer_status,
)

__all__ = [
    "age_on",
    "consent_record",
    "correction_resolve",
    "corrections_page",
    "duplicates_page",
    "me_consent",
    "me_correction",
    "me_download",
    "me_page",
    "membership_add",
    "membership_end",
    "merge_page",
    "volunteer_check",
    "volunteer_create",
    "volunteer_detail",
    "volunteer_edit",
    "volunteer_erase",
    "volunteer_list_page",
    "volunteer_reveal",
    "volunteer_status",
    "volunteer_to_change",
]
