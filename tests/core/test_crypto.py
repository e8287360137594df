from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from vetserve.core import crypto


def test_values_round_trip_and_carry_the_current_key_id(settings):
    stored = crypto.encrypt("13072219750315123X", context="t")
    assert stored.startswith("k2:")
    assert "13072219750315123X" not in stored
    assert crypto.decrypt(stored, context="t") == "13072219750315123X"


def test_the_same_value_encrypts_differently_each_time():
    assert crypto.encrypt("x", context="t") != crypto.encrypt("x", context="t")


def test_a_value_moved_to_another_column_does_not_decrypt():
    stored = crypto.encrypt("13900000000", context="volunteer.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="volunteer.id_number")


def test_tampered_values_are_detected():
    stored = crypto.encrypt("13900000000", context="t")
    key_id, _, payload = stored.partition(":")
    flipped = payload[:-3] + ("A" if payload[-3] != "A" else "B") + payload[-2:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{key_id}:{flipped}", context="t")


def test_old_keys_still_decrypt_after_rotation(settings):
    settings.DATA_KEY_ID = "k1"
    old = crypto.encrypt("secret", context="t")
    settings.DATA_KEY_ID = "k2"
    assert crypto.key_id_of(old) == "k1"
    assert crypto.decrypt(old, context="t") == "secret"


def test_blind_index_is_stable_keyed_and_context_bound(settings):
    a = crypto.blind_index("13900000000", context="phone")
    assert a == crypto.blind_index("13900000000", context="phone")
    assert a != crypto.blind_index("13900000000", context="id")
    settings.BLIND_INDEX_KEY = crypto.new_key()
    assert a != crypto.blind_index("13900000000", context="phone")


@pytest.mark.parametrize(
    "keys",
    ["", "k1", "k1:notbase64!!", "k1:c2hvcnQ", "k-1:" + "A" * 43],
)
def test_bad_key_configuration_fails_loudly(keys):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring(keys, "", crypto.new_key())
