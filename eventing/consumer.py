"""A consumer-group member: read, apply once, acknowledge, retry, dead-letter, reclaim.

Delivery is at-least-once: an entry is acknowledged (``XACK``) only after its effect
committed. A batch is applied in one transaction on the group's database with a
savepoint per entry, so one failing entry does not hold back the others. A failure
is retried with exponential backoff and full jitter (``random(0, base * 2**n)``,
capped); the attempt count is Redis's own delivery counter, so it survives restarts.
After ``max_attempts`` the entry moves to the group's dead-letter stream with its
error. Entries left pending by a consumer that died are claimed (``XAUTOCLAIM``)
once idle longer than ``claim_idle_ms``. ``stop()`` (SIGTERM) lets the batch in hand
finish, then the loop returns.

The loop never ends on its own: any failed round (Redis down or restarted, the
database stopped or its pool exhausted, a connection killed mid-batch) is retried
with capped backoff, and the next round first re-reads the entries this consumer
still holds unacknowledged, so a batch that rolled back is applied as soon as the
database is back, not after ``claim_idle_ms``. An outage is never counted as a
failed attempt (it would dead-letter good events). A consumer group that Redis lost
(flushed, restarted without persistence) is re-created at the last entry this
consumer acknowledged on that stream, and the loss is logged and counted; what the
relay re-publishes after such a loss arrives with later ids and the inbox drops the
repeats.

Redis consumer groups give exactly what the bus needs (pending lists, delivery
counts, claiming); Celery is for tasks, not for ordered streams with per-group
offsets, so this loop is ours.
"""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.db import close_old_connections, connections, transaction
from opentelemetry.trace import SpanKind

from common.observability.metrics import DEAD_LETTERS, EVENTS_HANDLED
from common.observability.tracing import extract_context, tracer
from common.outages import is_database_outage
from contracts.envelope import Envelope
from contracts.errors import ContractError
from eventing.deadletters import dead_letter
from eventing.handlers import REGISTRY
from eventing.inbox import Outcome, apply_batch, apply_envelope
from eventing.metrics import STREAM_LOSSES, WORKER_ERRORS
from eventing.rounds import run_rounds
from eventing.streams import stream_id, text

logger = logging.getLogger(__name__)

Entry = tuple[str, str, dict]  # stream, entry id, fields


def _event_id(envelope: str) -> str:
    """The envelope's event id, or ``?`` when it is not readable."""
    try:
        found = json.loads(envelope)
    except ValueError:
        return "?"
    return str(found.get("id", "?")) if isinstance(found, dict) else "?"


def backoff_seconds(attempt: int, *, base: float, cap: float) -> float:
    """Full jitter: uniform over [0, min(cap, base * 2**attempt)]."""
    return random.uniform(0, min(cap, base * 2**attempt))  # noqa: S311 - jitter, not crypto


def ensure_group(client: redis.Redis, stream: str, group: str, start: str = "0") -> bool:
    """Create the group at ``start`` (by default the start of the stream, so nothing
    published before is missed); whether it had to be created."""
    try:
        client.xgroup_create(stream, group, id=start, mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
        return False
    return True


class Outage(Exception):
    """The database is unreachable: the round is retried, no attempt is counted."""


@dataclass
class Stats:
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    failed: int = 0
    dead_lettered: int = 0
    claimed: int = 0


@dataclass
class Consumer:
    group: str
    client: redis.Redis
    name: str = field(default_factory=lambda: f"{socket.gethostname()}-{threading.get_ident()}")
    batch_size: int = field(default_factory=lambda: settings.EVENTBUS_BATCH_SIZE)
    block_ms: int = field(default_factory=lambda: settings.EVENTBUS_BLOCK_MS)
    claim_idle_ms: int = field(default_factory=lambda: settings.EVENTBUS_CLAIM_IDLE_MS)
    max_attempts: int = field(default_factory=lambda: settings.EVENTBUS_MAX_ATTEMPTS)
    retry_base: float = field(default_factory=lambda: settings.EVENTBUS_RETRY_BASE_SECONDS)
    retry_cap: float = field(default_factory=lambda: settings.EVENTBUS_RETRY_MAX_SECONDS)
    #: Backoff after a failed round: doubling from ``error_base``, at most ``error_cap``.
    error_base: float = 0.1
    error_cap: float = field(default_factory=lambda: settings.EVENTBUS_WORKER_BACKOFF_MAX_SECONDS)
    stats: Stats = field(default_factory=Stats)

    def __post_init__(self) -> None:
        self.streams = REGISTRY.streams_for(self.group)
        self.alias = REGISTRY.alias_for(self.group)
        self._stopping = threading.Event()
        self._retry_at: dict[tuple[str, str], float] = {}
        self._next_claim = 0.0
        #: The highest id this consumer acknowledged per stream: where a lost group restarts.
        self._acked: dict[str, str] = {}
        #: Per stream, where the re-read of this consumer's own unacknowledged entries is.
        self._own_from: dict[str, str] = dict.fromkeys(self.streams, "0")
        for stream in self.streams:
            # Start every series at zero, so rate() and increase() see the first one.
            DEAD_LETTERS.labels(group=self.group, stream=stream)
            STREAM_LOSSES.labels(stream=stream, seen_by=f"consumer:{self.group}")
        #: Groups still to create: Redis may not answer yet when the process starts.
        self._groups_pending = True
        try:
            self._ensure_groups()
        except redis.RedisError as exc:
            logger.warning(
                "consumer %s of %s: Redis unavailable at start (%s); retrying",
                self.name, self.group, exc,
            )  # fmt: skip

    def _ensure_groups(self) -> None:
        for stream in self.streams:
            ensure_group(self.client, stream, self.group)
        self._groups_pending = False

    # -- lifecycle -------------------------------------------------------------------
    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> Stats:
        """Rounds until ``stop()``; a failed round is retried, whatever failed
        (``eventing.rounds``)."""

        def one_round() -> bool:
            self.step()
            return True

        run_rounds(
            one_round, self._stopping, self.recover, base=self.error_base, cap=self.error_cap
        )
        return self.stats

    def step(self) -> int:
        """One round: reclaim, retry what is due, read new entries. Entries handled."""
        close_old_connections()
        if self._groups_pending:
            self._ensure_groups()
        handled = self._claim_stuck() + self._retry_due()
        if self._own_from:
            own = self._read_own_pending()
            if own or self._own_from:
                return handled + self._process(own)
            # Nothing of its own was left unacknowledged: read new entries this round.
        block = 0 if handled else self._block_ms()
        handled += self._process(self._read_new(block))
        return handled

    def recover(self, exc: Exception, delay: float) -> None:
        """After a failed round: say what failed, drop broken connections, re-create lost
        groups, and re-read this consumer's unacknowledged entries next round."""
        if isinstance(exc, redis.RedisError):
            kind = "redis"
        elif isinstance(exc, Outage) or is_database_outage(exc):
            kind = "database"
        else:
            kind = "other"
        WORKER_ERRORS.labels(worker=f"consumer:{self.group}", kind=kind).inc()
        log = logger.error if kind == "other" else logger.warning
        log(
            "consumer %s of %s: round failed (%s: %s); retrying in %.1fs",
            self.name, self.group, type(exc).__name__, exc, delay,
        )  # fmt: skip
        # A connection the server dropped (or one left in a failed transaction) goes back
        # to the pool, which discards it if broken; the next round gets a good one.
        connections[self.alias].close()
        self._own_from = dict.fromkeys(self.streams, "0")
        if isinstance(exc, redis.ResponseError):
            try:
                self._recover_groups()
            except redis.RedisError as again:
                logger.warning("consumer %s: groups not checked yet (%s)", self.name, again)

    def _recover_groups(self) -> None:
        """Re-create a group Redis lost, at the last entry this consumer acknowledged."""
        for stream in self.streams:
            start = self._acked.get(stream, "0")
            stream_existed = bool(self.client.exists(stream))
            if ensure_group(self.client, stream, self.group, start=start):
                STREAM_LOSSES.labels(stream=stream, seen_by=f"consumer:{self.group}").inc()
                logger.error(
                    "consumer group %s on %s was lost (%s); re-created after %s, the last "
                    "entry this consumer acknowledged. The relay re-publishes what Redis lost.",
                    self.group, stream,
                    "the stream was gone" if not stream_existed else "the group was gone",
                    start,
                )  # fmt: skip
                self._retry_at = {k: v for k, v in self._retry_at.items() if k[0] != stream}

    # -- reading -----------------------------------------------------------------------
    def _block_ms(self) -> int:
        if not self._retry_at:
            return self.block_ms
        wait = min(self._retry_at.values()) - time.monotonic()
        return max(1, min(self.block_ms, int(wait * 1000)))

    def _read_new(self, block_ms: int) -> list[Entry]:
        response = self.client.xreadgroup(
            self.group,
            self.name,
            dict.fromkeys(self.streams, ">"),
            count=self.batch_size,
            block=block_ms or None,
        )
        return [
            (text(stream), text(entry_id), fields)
            for stream, entries in response or []
            for entry_id, fields in entries
            if fields is not None
        ]

    def _read_own_pending(self) -> list[Entry]:
        """The next entries this consumer was given and has not acknowledged (a batch
        that rolled back, or a restart under the same name), minus those waiting for
        their retry; ``_own_from`` is empty once they are all read."""
        response = self.client.xreadgroup(
            self.group, self.name, dict(self._own_from), count=self.batch_size
        )
        entries: list[Entry] = []
        gone: list[Entry] = []
        cursors: dict[str, str] = {}
        for stream, stream_entries in response or []:
            for entry_id, fields in stream_entries:
                entry = (text(stream), text(entry_id), fields)
                cursors[entry[0]] = entry[1]
                if fields is None:
                    gone.append(entry)  # trimmed away: nothing left to apply
                elif (entry[0], entry[1]) not in self._retry_at:
                    entries.append(entry)
        self._ack(gone)
        self._own_from = cursors
        return entries

    def _claim_stuck(self) -> int:
        now = time.monotonic()
        if now < self._next_claim:
            return 0
        self._next_claim = now + max(self.claim_idle_ms / 4000, 0.05)
        claimed: list[Entry] = []
        for stream in self.streams:
            start = "0-0"
            while True:
                next_start, entries, _deleted = self.client.xautoclaim(
                    stream, self.group, self.name, self.claim_idle_ms, start, count=self.batch_size
                )
                claimed += [(stream, text(i), f) for i, f in entries if f is not None]
                start = text(next_start)
                if start == "0-0" or len(claimed) >= self.batch_size:
                    break
        self.stats.claimed += len(claimed)
        return self._process(claimed)

    def _retry_due(self) -> int:
        now = time.monotonic()
        due = [key for key, at in self._retry_at.items() if at <= now]
        entries: list[Entry] = []
        for stream, entry_id in due:
            del self._retry_at[(stream, entry_id)]
            reclaimed = self.client.xclaim(stream, self.group, self.name, 0, [entry_id])
            entries += [(stream, text(i), f) for i, f in reclaimed if f is not None]
        return self._process(entries)

    # -- applying ----------------------------------------------------------------------
    def _process(self, entries: Sequence[Entry]) -> int:
        if not entries:
            return 0
        readable: list[tuple[Entry, Envelope]] = []
        for entry in entries:
            try:
                readable.append((entry, Envelope.from_json(text(entry[2][b"envelope"]))))
            except (KeyError, ContractError, ValueError) as exc:
                # Unreadable: no attempt can succeed, straight to the dead letters.
                self._dead_letter(entry, f"unreadable envelope: {exc}", attempts=1)
        if readable:
            started = time.time_ns()
            try:
                outcomes = apply_batch(self.group, self.alias, [env for _, env in readable])
            except Exception as exc:
                if is_database_outage(exc):
                    raise Outage(str(exc)) from exc
                logger.info("%s: batch failed, applying entry by entry", self.group)
                self._process_one_by_one(readable)
            else:
                for (_, envelope), outcome in zip(readable, outcomes, strict=True):
                    self._finished(envelope, outcome, started)
                self._ack([entry for entry, _ in readable])
        return len(entries)

    def _finished(self, envelope: Envelope, outcome: Outcome, started_ns: int) -> None:
        """Count the entry, and record a consumer span for it, child of the span that
        published it."""
        self._count(outcome)
        span = tracer.start_span(
            f"process {envelope.type}",
            context=extract_context(envelope.traceparent),
            kind=SpanKind.CONSUMER,
            start_time=started_ns,
            attributes={
                "messaging.system": "redis_streams",
                "messaging.consumer.group.name": self.group,
                "messaging.message.id": str(envelope.id),
                "messaging.operation.type": "process",
                "platform.outcome": outcome.value,
            },
        )
        span.end()

    def _process_one_by_one(self, readable: Sequence[tuple[Entry, Envelope]]) -> None:
        done: list[Entry] = []
        failed: list[tuple[Entry, str]] = []
        with transaction.atomic(using=self.alias):
            for entry, envelope in readable:
                try:
                    outcome = apply_envelope(self.group, envelope)
                except ContractError as exc:
                    # The payload does not fit its contract: retrying cannot help.
                    self._dead_letter(
                        entry, f"payload does not fit its contract: {exc}", attempts=1
                    )
                    continue
                except Exception as exc:
                    if is_database_outage(exc):
                        raise Outage(str(exc)) from exc
                    logger.warning("%s: %s failed: %r", self.group, envelope.id, exc)
                    failed.append((entry, f"{type(exc).__name__}: {exc}"))
                    continue
                self._finished(envelope, outcome, time.time_ns())
                done.append(entry)
        self._ack(done)
        for entry, error in failed:
            self._schedule_retry(entry, error)

    def _count(self, outcome: Outcome) -> None:
        EVENTS_HANDLED.labels(group=self.group, outcome=outcome.value).inc()
        if outcome is Outcome.APPLIED:
            self.stats.applied += 1
        elif outcome is Outcome.DUPLICATE:
            self.stats.duplicates += 1
        else:
            self.stats.ignored += 1

    def _ack(self, entries: Sequence[Entry]) -> None:
        by_stream: dict[str, list[str]] = {}
        for stream, entry_id, _ in entries:
            by_stream.setdefault(stream, []).append(entry_id)
        for stream, ids in by_stream.items():
            self.client.xack(stream, self.group, *ids)
            top = max(ids, key=stream_id)
            if stream not in self._acked or stream_id(top) > stream_id(self._acked[stream]):
                self._acked[stream] = top

    def _schedule_retry(self, entry: Entry, error: str) -> None:
        stream, entry_id, _ = entry
        self.stats.failed += 1
        pending = self.client.xpending_range(stream, self.group, entry_id, entry_id, 1)
        attempts = pending[0]["times_delivered"] if pending else 1
        if attempts >= self.max_attempts:
            self._dead_letter(entry, error, attempts=attempts)
            return
        delay = backoff_seconds(attempts, base=self.retry_base, cap=self.retry_cap)
        self._retry_at[(stream, entry_id)] = time.monotonic() + delay

    def _dead_letter(self, entry: Entry, error: str, *, attempts: int) -> None:
        stream, entry_id, fields = entry
        envelope = text(fields.get(b"envelope", b""))
        dead_letter(
            self.client,
            group=self.group,
            stream=stream,
            entry_id=entry_id,
            envelope=envelope,
            error=error,
            attempts=attempts,
        )
        self.stats.dead_lettered += 1
        DEAD_LETTERS.labels(group=self.group, stream=stream).inc()
        # The dead-letter stream lives in Redis only: this line is the record that
        # outlives a Redis that lost its data (docs/runbooks/disaster-recovery.md).
        logger.error(
            "consumer %s: event %s (entry %s of %s) dead-lettered after %d attempt(s): %s",
            self.group, _event_id(envelope), text(entry_id), stream, attempts, error,
        )  # fmt: skip
