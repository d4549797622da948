from tests.eventstore.fixtures import ledger_app

__all__ = ["ledger_app"]
