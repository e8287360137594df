from __future__ import annotations

import os
import subprocess
import sys


def test_keys_prints_every_key_a_deployment_needs_without_any_configuration():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VETSERVE_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "vetserve.cli", "keys"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    names = [line.split("=", 1)[0] for line in result.stdout.splitlines()]
    assert names == [
        "VETSERVE_SECRET_KEY",
        "VETSERVE_DATA_KEYS",
        "VETSERVE_DATA_KEY_ID",
        "VETSERVE_BLIND_INDEX_KEY",
        "VETSERVE_BADGE_SIGNING_KEY",
    ]
    data_keys = result.stdout.splitlines()[1].split("=", 1)[1]
    assert data_keys.startswith("k1:") and len(data_keys) > 40
