"""Writes of learning data, each in ``transaction.atomic(using="learning")`` with its
outbox rows."""
