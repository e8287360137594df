"""VetServe's tests, one folder per app; the shared cast is in conftest.py."""
