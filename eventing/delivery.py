"""How outbox rows leave the process: the delivery mode, chosen once at start-up.

Business code writes an outbox row (``eventing.outbox``) and hands the alias to the
installed delivery; it never asks which mode the process runs in. The composition root
(``config.composition``) installs one of:

- ``RelayDelivery`` (``REDIS_URL`` set): the relay process publishes to Redis Streams;
  the write only wakes it at commit (``NOTIFY``, ``eventing.wakeup``).
- ``InProcessDelivery`` (the embedded run, no Redis): no relay and no consumer
  process; the rows go to this process's handlers right after the write commits
  (``eventing.inprocess``).
"""

from __future__ import annotations

from typing import Protocol

from django.db import transaction

from common.ports import Port
from eventing.wakeup import notify_outbox


class Delivery(Protocol):
    def outbox_written(self, alias: str) -> None:
        """Outbox rows were written on ``alias`` in the open transaction."""


class RelayDelivery:
    """Redis Streams through the relay process: wake it when the write commits."""

    def outbox_written(self, alias: str) -> None:
        notify_outbox(alias)


class InProcessDelivery:
    """The embedded bus: deliver to local handlers once the write is durable."""

    def outbox_written(self, alias: str) -> None:
        from eventing.inprocess import deliver_outbox

        transaction.on_commit(lambda: deliver_outbox(alias), using=alias)


_port: Port[Delivery] = Port("event delivery")
#: Set the process's event delivery (the composition root, at start-up).
install = _port.install
#: The process's event delivery.
installed = _port.installed
