"""The event bus: envelope, transactional outbox relay, Redis Streams transport,
consumer runner, dead letters and the schema registry. No domain knowledge."""
