"""Dead letters: entries a group could not apply, kept with their error for ops.

``dead_letter`` appends to ``deadletter:<group>`` and acknowledges the original in one
``MULTI``, so an entry is never both pending and dead. Replay applies a dead letter
for its group through the same inbox as a normal delivery (so it takes effect at
most once, even if it was partly applied before) and removes it only on success.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from django.utils import timezone

from contracts.envelope import Envelope
from eventing.inbox import Outcome, apply_envelope
from eventing.streams import dead_letter_stream, text


@dataclass(frozen=True)
class DeadLetter:
    id: str
    group: str
    stream: str
    entry_id: str
    envelope: str
    error: str
    attempts: int
    failed_at: str


def dead_letter(
    client: redis.Redis,
    *,
    group: str,
    stream: str,
    entry_id: str,
    envelope: str,
    error: str,
    attempts: int,
) -> None:
    pipe = client.pipeline(transaction=True)
    pipe.xadd(
        dead_letter_stream(group),
        {
            "stream": stream,
            "entry_id": entry_id,
            "envelope": envelope,
            "error": error[:2000],
            "attempts": attempts,
            "failed_at": timezone.now().isoformat(),
        },
    )
    pipe.xack(stream, group, entry_id)
    pipe.execute()


def _decode(group: str, entry_id, fields: dict) -> DeadLetter:
    values = {text(k): text(v) for k, v in fields.items()}
    return DeadLetter(
        id=text(entry_id),
        group=group,
        stream=values.get("stream", ""),
        entry_id=values.get("entry_id", ""),
        envelope=values.get("envelope", ""),
        error=values.get("error", ""),
        attempts=int(values.get("attempts", 0)),
        failed_at=values.get("failed_at", ""),
    )


def dead_letter_list(client: redis.Redis, *, group: str, count: int = 100) -> list[DeadLetter]:
    entries = client.xrange(dead_letter_stream(group), count=count)
    return [_decode(group, entry_id, fields) for entry_id, fields in entries]


def dead_letter_get(client: redis.Redis, *, group: str, dead_letter_id: str) -> DeadLetter | None:
    entries = client.xrange(dead_letter_stream(group), dead_letter_id, dead_letter_id)
    return _decode(group, *entries[0]) if entries else None


def dead_letter_replay(client: redis.Redis, *, group: str, dead_letter_id: str) -> Outcome:
    """Apply a dead letter for its group now; on success it leaves the dead-letter stream.

    Raises ``LookupError`` for an unknown id and whatever the handler raises (the dead
    letter then stays where it is).
    """
    letter = dead_letter_get(client, group=group, dead_letter_id=dead_letter_id)
    if letter is None:
        raise LookupError(f"no dead letter {dead_letter_id} for group {group}")
    outcome = apply_envelope(group, Envelope.from_json(letter.envelope))
    client.xdel(dead_letter_stream(group), dead_letter_id)
    return outcome
