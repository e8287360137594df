"""`vetserve keys` output is pasted into an env file that the operations guide sources with
`set -a; . FILE`: every value must come out of the shell exactly as printed (issue 12, item 17)."""

from __future__ import annotations

import io
import shlex
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from vetserve.core import crypto

NAMES = (
    "VETSERVE_SECRET_KEY",
    "VETSERVE_DATA_KEYS",
    "VETSERVE_DATA_KEY_ID",
    "VETSERVE_BLIND_INDEX_KEY",
    "VETSERVE_BADGE_SIGNING_KEY",
)


def _printed_keys() -> tuple[str, dict[str, str]]:
    """The output of `vetserve keys`, and the values it means as a shell reads words."""
    out = io.StringIO()
    call_command("keys", stdout=out)
    meant = {}
    for line in out.getvalue().splitlines():
        name, _, text = line.partition("=")
        (meant[name],) = shlex.split(text)
    return out.getvalue(), meant


def test_fifty_key_sets_survive_sourcing_the_env_file_as_the_operations_guide_does(tmp_path):
    env_file = tmp_path / "vetserve.env"
    for _attempt in range(50):
        printed, meant = _printed_keys()
        assert tuple(meant) == NAMES
        env_file.write_text(printed, encoding="utf-8")
        # As docs/operations.md says: set -a; . /etc/vetserve/vetserve.env; set +a
        script = f"set -a; . {shlex.quote(str(env_file))}; set +a; env -0"
        result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            ["/bin/bash", "-c", script], env={}, capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, (printed, result.stderr)
        sourced = dict(item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)
        assert {name: sourced.get(name) for name in NAMES} == meant, printed
        ring = crypto.parse_keyring(
            sourced["VETSERVE_DATA_KEYS"],
            sourced["VETSERVE_DATA_KEY_ID"],
            sourced["VETSERVE_BLIND_INDEX_KEY"],
        )
        assert len(ring.keys[ring.current]) == 32


def test_generated_keys_need_no_quoting_at_all():
    # So the same file also serves systemd's EnvironmentFile= and docker's --env-file.
    printed, meant = _printed_keys()
    assert printed.splitlines() == [f"{name}={value}" for name, value in meant.items()]
    assert all(shlex.quote(value) == value for value in meant.values())


KEY = "A" * 43  # 32 bytes, written without its "=" padding


@pytest.mark.parametrize(
    "data_keys",
    [f"k1:{KEY}:", f"k1:{KEY}:k2", f"k1:k2:{KEY}", f"k1:{KEY},k2:{KEY}:{KEY}"],
)
def test_a_data_key_entry_with_a_stray_second_colon_is_refused_by_name(data_keys):
    with pytest.raises(ImproperlyConfigured) as error:
        crypto.parse_keyring(data_keys, "", KEY)
    assert "second colon" in str(error.value)
    assert "k1:BASE64KEY" in str(error.value)


def test_a_key_with_characters_outside_base64_is_refused_not_silently_trimmed():
    with pytest.raises(ImproperlyConfigured, match="not valid base64"):
        crypto.parse_keyring(f"k1:{KEY[:-1]}$", "", KEY)
