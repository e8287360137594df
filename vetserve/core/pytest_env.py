"""Loaded by pytest (``-p vetserve.core.pytest_env`` in pyproject) before Django's settings.

Gives the test run the environment a deployment would set, without overriding what the caller
set (CI sets DATABASE_URL to run the same suite on PostgreSQL).
"""

import os
import tempfile

os.environ.setdefault("VETSERVE_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("VETSERVE_VAR_DIR", tempfile.mkdtemp(prefix="vetserve-test-"))
os.environ.setdefault("VETSERVE_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Two data keys, so tests can prove rotation; k2 is current.
os.environ.setdefault(
    "VETSERVE_DATA_KEYS",
    "k1:dGVzdC1kYXRhLWtleS1vbmUtLS0tLS0tLS0tLS0tLS0,k2:dGVzdC1kYXRhLWtleS10d28tLS0tLS0tLS0tLS0tLS0",
)
os.environ.setdefault("VETSERVE_DATA_KEY_ID", "k2")
os.environ.setdefault("VETSERVE_BLIND_INDEX_KEY", "dGVzdC1ibGluZC1pbmRleC1rZXktLS0tLS0tLS0tLS0")
# Tests serve static files from the apps' folders: no collectstatic before every run (the one
# test of the hashed names collects for itself, tests/core/test_static.py).
os.environ.setdefault("VETSERVE_STATIC_MANIFEST", "0")
