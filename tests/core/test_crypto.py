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
    with pytest.raises(crypto.DecryptionError, match=r"^value does not decrypt$"):
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


KEY_A, KEY_B = "A" * 43, "B" * 43  # 32 bytes each, written without their "=" padding


@pytest.mark.parametrize(
    ("keys", "current", "index_key", "message"),
    [
        ("", "", KEY_A, "VETSERVE_DATA_KEYS holds no key."),
        ("k1", "", KEY_A, "VETSERVE_DATA_KEYS entries look like k1:BASE64KEY."),
        ("k1:notbase64!!", "", KEY_A, "VETSERVE_DATA_KEYS[k1] is not valid base64."),
        ("k1:c2hvcnQ", "", KEY_A, "VETSERVE_DATA_KEYS[k1] must decode to 32 bytes (got 5)."),
        ("k1:" + "A" * 35, "", KEY_A, "VETSERVE_DATA_KEYS[k1] must decode to 32 bytes (got 26)."),
        ("k1:" + KEY_A, "k9", KEY_A, "VETSERVE_DATA_KEY_ID 'k9' is not in VETSERVE_DATA_KEYS."),
        ("k1:" + KEY_A, "", "c2hvcnQ", "blind index key must decode to 32 bytes (got 5)."),
    ],
)
def test_a_bad_key_configuration_says_which_setting_is_wrong(keys, current, index_key, message):
    with pytest.raises(ImproperlyConfigured) as error:
        crypto.parse_keyring(keys, current, index_key)
    assert str(error.value) == message


def test_a_keyring_skips_empty_entries_and_makes_the_last_key_current_by_default():
    ring = crypto.parse_keyring(f" , k1:{KEY_A}, ,k2:{KEY_B},", "", KEY_B)
    assert ring.keys == {"k1": b"\x00" * 32, "k2": crypto._decode_key(KEY_B, "k2")}
    assert ring.current == "k2" and ring.index_key == ring.keys["k2"]
    assert crypto.parse_keyring(f"k1:{KEY_A},k2:{KEY_B}", "k1", KEY_A).current == "k1"


def test_a_new_key_is_43_url_safe_characters_without_padding():
    key = crypto.new_key()
    assert len(key) == 43 and "=" not in key
    assert len(crypto.parse_keyring(f"k1:{key}", "", key).keys["k1"]) == 32


def test_a_value_under_a_key_no_longer_configured_names_the_key_id():
    stored = crypto.encrypt("13900000000", context="t")
    _, _, payload = stored.partition(":")
    with pytest.raises(crypto.DecryptionError, match=r"^unknown key id 'k9'$"):
        crypto.decrypt(f"k9:{payload}", context="t")
    with pytest.raises(crypto.DecryptionError, match=r"^unknown key id"):
        crypto.decrypt(payload, context="t")
