"""Writes of marketplace data, each in one transaction on the marketplace database,
with the events it publishes written to the outbox in that same transaction."""

from domains.marketplace.apps import ALIAS

__all__ = ["ALIAS", "PRODUCER"]

PRODUCER = "marketplace"
