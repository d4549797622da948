"""The event bus: transactional outbox, relay to Redis Streams, consumer groups with an
inbox for idempotency, dead letters, and the event-sourced stores' plumbing.

No domain knowledge: domains register what they publish and handle.
"""
