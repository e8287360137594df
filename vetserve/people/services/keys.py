"""The protected numbers at rest: the encryption context of each field, the blind indexes
that find a record by ID or phone number, decryption for internal use, and key rotation
(``vetserve rotate-keys``)."""

from __future__ import annotations

from django.db import transaction

from vetserve.core import crypto
from vetserve.people.idnumbers import normalize_id_number
from vetserve.people.models import BIRTH_CONTEXT, Volunteer

ID_CONTEXT = "volunteer.id_number"
PHONE_CONTEXT = "volunteer.phone"
EMERGENCY_CONTEXT = "volunteer.emergency_phone"
DISCHARGE_CONTEXT = "volunteer.discharge_doc"
HEALTH_CONTEXT = "volunteer.health"

REVEALABLE = {
    "id_number": ("id_number_enc", ID_CONTEXT),
    "phone": ("phone_enc", PHONE_CONTEXT),
    "emergency_phone": ("emergency_phone_enc", EMERGENCY_CONTEXT),
    "discharge_doc": ("discharge_doc_enc", DISCHARGE_CONTEXT),
}


def id_index(number: str) -> str:
    return crypto.blind_index(normalize_id_number(number), context=ID_CONTEXT)


def phone_index(phone: str) -> str:
    return crypto.blind_index(phone, context=PHONE_CONTEXT)


def volunteer_reveal_value(volunteer: Volunteer, field: str) -> str:
    """Decrypt one protected field (internal use: comparisons, exports the caller audits)."""
    column, context = REVEALABLE[field]
    stored = getattr(volunteer, column)
    return crypto.decrypt(stored, context=context) if stored else ""


@transaction.atomic
def rotate_keys(*, reindex: bool = False, batch: int = 1000) -> int:
    """Re-encrypt every protected value under the current data key (and, with ``reindex``,
    recompute blind indexes under the current index key). Returns the rows rewritten."""
    current = crypto.keyring().current
    rewritten = 0
    columns = [(col, ctx) for col, ctx in REVEALABLE.values()] + [
        ("health_enc", HEALTH_CONTEXT),
        ("birth_date_enc", BIRTH_CONTEXT),
    ]
    qs = Volunteer.objects.filter(erased_at__isnull=True).order_by("pk")
    for volunteer in qs.iterator(chunk_size=batch):
        dirty: list[str] = []
        for column, context in columns:
            stored = getattr(volunteer, column)
            if stored and crypto.key_id_of(stored) != current:
                setattr(
                    volunteer,
                    column,
                    crypto.encrypt(crypto.decrypt(stored, context=context), context=context),
                )
                dirty.append(column)
        if reindex:
            number = volunteer_reveal_value(volunteer, "id_number")
            phone = volunteer_reveal_value(volunteer, "phone")
            volunteer.id_number_index = id_index(number) if number else None
            volunteer.phone_index = phone_index(phone) if phone else ""
            dirty += ["id_number_index", "phone_index"]
        if dirty:
            volunteer.save(update_fields=dirty)
            rewritten += 1
    return rewritten
