"""Identity writes, one module per concern; each runs in ``transaction.atomic(using="identity")``
and publishes what other domains must hear about through the outbox."""

from domains.identity.services.accounts import user_register

__all__ = ["user_register"]
