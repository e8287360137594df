"""Loaded by pytest (``-p vetserve.core.pytest_env`` in pyproject) before Django's settings.

Gives the test run the environment a deployment would set, without overriding what the caller
set (CI sets DATABASE_URL to run the same suite on PostgreSQL).
"""

import os
import tempfile

os.environ.setdefault("VETSERVE_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("VETSERVE_VAR_DIR", tempfile.mkdtemp(prefix="vetserve-test-"))
os.environ.setdefault("VETSERVE_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
