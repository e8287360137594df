"""Proof fixtures on the ledger's: 王建国 (login ``wang``) served 2 h 30 on Dave's team's snow
clearing in 崇礼, recorded by Dave; Bob (崇礼's administrator) confirmed it. The signing key is
made once per test session in a temporary directory, as `vetserve proof-keys` would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ledger.conftest import at, snow  # noqa: F401  (the fixture, re-exported)
from vetserve.ledger.models import LedgerEntry
from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_record
from vetserve.proofs import keys


@pytest.fixture(scope="session")
def proof_key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("proof-keys") / "keys"
    keys.proof_keys_create(common_name="张家口退役军人志愿服务总队", directory=directory)
    return directory


@pytest.fixture(autouse=True)
def proof_keys(settings: Any, proof_key_dir: Path) -> Iterator[Path]:
    settings.PROOF_KEY_DIR = proof_key_dir
    keys.signer.cache_clear()
    yield proof_key_dir
    keys.signer.cache_clear()


@pytest.fixture
def served(cast: Any, snow: Any) -> LedgerEntry:  # noqa: F811
    entry = ledger_entry_record(
        actor=cast.dave, volunteer=snow.wang, activity=snow.activity,
        service_date=at(8).date(), minutes=150, content="清扫场馆周边道路积雪",
    )  # fmt: skip
    ledger_entry_confirm(actor=cast.bob, entry=entry)
    return entry
