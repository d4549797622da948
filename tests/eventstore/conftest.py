from tests.eventstore.fixtures import _close_event_stores_before_the_databases_go, ledger_app

__all__ = ["_close_event_stores_before_the_databases_go", "ledger_app"]
