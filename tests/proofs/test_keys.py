"""`vetserve proof-keys` makes the deployment's signing key once, private to the service user."""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from vetserve.proofs import keys


def test_proof_keys_makes_a_private_key_and_a_certificate_once(
    settings: Any, tmp_path: Path
) -> None:
    settings.PROOF_KEY_DIR = tmp_path / "keys"
    out = StringIO()
    call_command("proof_keys", stdout=out)
    key_path, cert_path = keys.key_paths()
    assert str(key_path) in out.getvalue()
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_path.parent.stat().st_mode) == 0o700
    assert b"BEGIN CERTIFICATE" in cert_path.read_bytes()
    first = key_path.read_bytes()
    with pytest.raises(CommandError, match="exists already"):
        call_command("proof_keys", stdout=StringIO())
    assert key_path.read_bytes() == first
    call_command("proof_keys", "--replace", stdout=StringIO())
    assert key_path.read_bytes() != first


def test_without_a_key_the_download_says_what_to_do(
    client: Any, cast: Any, snow: Any, served: Any, settings: Any, tmp_path: Path
) -> None:
    from tests.conftest import login
    from vetserve.proofs.services import proof_issue

    proof = proof_issue(actor=cast.dave, volunteer=snow.wang, organization=cast.rescue)
    settings.PROOF_KEY_DIR = tmp_path / "none"
    keys.signer.cache_clear()
    page = login(client, cast.dave).get(f"/proofs/{proof.pk}/pdf/", follow=True)
    assert "vetserve proof-keys" in page.text
    api = client.get(f"/api/v1/proofs/{proof.pk}/pdf")
    assert api.status_code == 503 and api.json()["code"] == "signing_key_missing"


def test_the_demo_makes_its_signing_key_once(settings: Any, tmp_path: Path) -> None:
    from vetserve.demo.management.commands.demo import Command

    settings.PROOF_KEY_DIR = tmp_path / "keys"
    command = Command(stdout=StringIO())
    command.proof_keys()
    key = keys.key_paths()[0].read_bytes()
    command.proof_keys()
    assert keys.key_paths()[0].read_bytes() == key
