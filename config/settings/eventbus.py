"""The event bus: stream caps, batches, retries, dead letters, claiming, polling."""

from config.env import read

#: Approximate cap of each event stream (XADD MAXLEN ~).
EVENTBUS_STREAM_MAXLEN = read("EVENTBUS_STREAM_MAXLEN", "int", 1_000_000)
#: Seconds to wait for Redis before a call fails.
EVENTBUS_REDIS_TIMEOUT = read("EVENTBUS_REDIS_TIMEOUT", "float", 5.0)
#: How long a consumer blocks on XREADGROUP waiting for new entries.
EVENTBUS_BLOCK_MS = read("EVENTBUS_BLOCK_MS", "int", 1000)
#: Entries read (consumer) or published (relay) per batch.
EVENTBUS_BATCH_SIZE = read("EVENTBUS_BATCH_SIZE", "int", 200)
#: Attempts before a failing message goes to the group's dead-letter stream.
EVENTBUS_MAX_ATTEMPTS = read("EVENTBUS_MAX_ATTEMPTS", "int", 5)
#: Backoff between attempts: full jitter over base * 2**attempt, capped.
EVENTBUS_RETRY_BASE_SECONDS = read("EVENTBUS_RETRY_BASE_SECONDS", "float", 0.5)
EVENTBUS_RETRY_MAX_SECONDS = read("EVENTBUS_RETRY_MAX_SECONDS", "float", 60.0)
#: Longest wait between two rounds of a worker (consumer, relay) that keep failing.
EVENTBUS_WORKER_BACKOFF_MAX_SECONDS = read("EVENTBUS_WORKER_BACKOFF_MAX_SECONDS", "float", 5.0)
#: A message pending this long on a consumer that stopped is claimed by another.
EVENTBUS_CLAIM_IDLE_MS = read("EVENTBUS_CLAIM_IDLE_MS", "int", 60_000)
#: How often an idle relay looks for new rows when nothing woke it: an outbox commit
#: wakes it at once (LISTEN/NOTIFY); event stores' new events wait for this poll.
EVENTBUS_RELAY_POLL_SECONDS = read("EVENTBUS_RELAY_POLL_SECONDS", "float", 0.25)
#: Off: the relay does not LISTEN and polls every 20 ms (or the poll, if shorter), e.g.
#: behind a pooler that cannot hold a LISTEN (PgBouncer in transaction mode).
EVENTBUS_RELAY_LISTEN = read("EVENTBUS_RELAY_LISTEN", "bool", True)
#: How far the relay's clock and Redis's may disagree when it checks for lost entries.
EVENTBUS_RELAY_CLOCK_MARGIN_SECONDS = read("EVENTBUS_RELAY_CLOCK_MARGIN_SECONDS", "float", 2.0)
#: How often the relay checks that Redis still holds what it published.
EVENTBUS_RELAY_LOSS_CHECK_SECONDS = read("EVENTBUS_RELAY_LOSS_CHECK_SECONDS", "float", 1.0)
#: Published outbox rows are kept this long (audit, replay), then pruned.
EVENTBUS_OUTBOX_RETENTION_DAYS = read("EVENTBUS_OUTBOX_RETENTION_DAYS", "int", 7)
#: Inbox rows must outlive any possible redelivery of their message.
EVENTBUS_INBOX_RETENTION_DAYS = read("EVENTBUS_INBOX_RETENTION_DAYS", "int", 30)
