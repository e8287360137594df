from tests.ledger.conftest import snow  # noqa: F401  (the ledger's fixtures, shared)
