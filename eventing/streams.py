"""Redis Streams naming and the Redis client the bus uses.

One stream per producing domain (``events:<producer>``), one dead-letter stream per
consumer group (``deadletter:<group>``). Streams are capped (``XADD MAXLEN ~``) so a
forgotten stream cannot fill Redis; the cap is far above any healthy lag and the
lag metrics warn long before it matters.
"""

from __future__ import annotations

import json
from functools import cache

import redis
from django.conf import settings
from django.core.management import CommandError

EVENT_STREAM_PREFIX = "events:"
DEAD_LETTER_PREFIX = "deadletter:"


def event_stream(producer: str) -> str:
    return f"{EVENT_STREAM_PREFIX}{producer}"


def dead_letter_stream(group: str) -> str:
    return f"{DEAD_LETTER_PREFIX}{group}"


def stream_fields(envelope: dict) -> dict[str, str]:
    """The fields of a stream entry carrying ``envelope`` (its ``to_dict()`` form)."""
    return {"id": envelope["id"], "type": envelope["type"], "envelope": json.dumps(envelope)}


def text(value) -> str:
    """Redis answers bytes; ids, names and fields are read as text."""
    return value.decode() if isinstance(value, bytes) else str(value)


def stream_id(value) -> tuple[int, int]:
    """A stream entry id (``"<ms>-<seq>"``) as a tuple that orders like Redis does."""
    ms, _, seq = text(value).partition("-")
    return int(ms), int(seq or 0)


def stream_maxlen() -> int:
    return settings.EVENTBUS_STREAM_MAXLEN


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=settings.EVENTBUS_REDIS_TIMEOUT,
        socket_timeout=settings.EVENTBUS_REDIS_TIMEOUT + settings.EVENTBUS_BLOCK_MS / 1000,
        health_check_interval=30,
    )


class BusNotConfigured(CommandError, RuntimeError):
    """No ``REDIS_URL``: a command-line tool prints this one line, never a traceback."""


def redis_client() -> redis.Redis:
    """The bus's Redis connection pool (one per process and URL)."""
    if not settings.REDIS_URL:
        raise BusNotConfigured(
            "REDIS_URL is not set: the bus runs in process (embedded mode); set REDIS_URL "
            "(e.g. redis://127.0.0.1:6379/0) to run the relay, consumers and bus tools."
        )
    return _client(settings.REDIS_URL)
