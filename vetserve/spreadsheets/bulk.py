"""Registering many volunteers at once: what `volunteer_register` does, in batches.

`volunteer_register` costs several queries per person (the volunteer, a status change, a
consent and an audit entry); 100,000 people that way take many minutes. This module sets the
same fields the same way — encrypted numbers, blind indexes, masks, pinyin, a status change
"Registered" and the registration consent recorded by the actor — with a few bulk inserts per
2,000 people. The caller has checked every value (see `importing`), holds the transaction and
writes one audit entry for the whole import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from vetserve.core import crypto
from vetserve.core.text import pinyin_keys
from vetserve.people.idnumbers import mask_id_number, mask_phone
from vetserve.people.models import Consent, Status, StatusChange, Volunteer
from vetserve.people.services import (
    CONSENT_TEXT_VERSION,
    EMERGENCY_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    phone_index,
)

BATCH = 2000


def register_many(
    *,
    actor: Any,
    rows: Sequence[dict[str, Any]],
    indexes: Sequence[str],
    status: str = Status.ACTIVE,
    consent_version: str = CONSENT_TEXT_VERSION,
    batch: int = BATCH,
) -> int:
    """Insert checked rows (``values`` of `importing.RowResult`); ``indexes`` are their ID
    numbers' blind indexes, already computed to find existing records. Returns the count."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    registered = _("Registered")
    pinyin: dict[str, tuple[str, str]] = {}
    for start in range(0, len(rows), batch):
        volunteers = []
        for values, index in zip(
            rows[start : start + batch], indexes[start : start + batch], strict=True
        ):
            name = values["name"]
            if name not in pinyin:
                pinyin[name] = pinyin_keys(name)
            initials, full = pinyin[name]
            number, phone = values["id_number"], values["phone"]
            emergency = values.get("emergency_phone", "")
            org = values["home_org"]
            volunteers.append(
                Volunteer(
                    name=name,
                    name_initials=initials,
                    name_pinyin=full,
                    gender=values["gender"],
                    birth_date=values["birth_date"],
                    id_number_enc=crypto.encrypt(number, context=ID_CONTEXT),
                    id_number_index=index,
                    id_number_masked=mask_id_number(number),
                    phone_enc=crypto.encrypt(phone, context=PHONE_CONTEXT),
                    phone_index=phone_index(phone),
                    phone_masked=mask_phone(phone),
                    emergency_phone_enc=crypto.encrypt(emergency, context=EMERGENCY_CONTEXT)
                    if emergency
                    else "",
                    emergency_phone_masked=mask_phone(emergency) if emergency else "",
                    residence_region=values.get("residence_region") or org.region,
                    home_org=org,
                    region_id=org.region_id,
                    status=status,
                    **values["details"],
                )
            )
        Volunteer.objects.bulk_create(volunteers, batch_size=batch)
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    volunteer=v, from_status="", to_status=status, reason=registered, actor=user
                )
                for v in volunteers
            ],
            batch_size=batch,
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    volunteer=v,
                    purpose=Consent.Purpose.REGISTRATION,
                    text_version=consent_version,
                    granted=True,
                    recorded_by=user,
                )
                for v in volunteers
            ],
            batch_size=batch,
        )
    return len(rows)
