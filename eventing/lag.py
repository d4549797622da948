"""How far behind each consumer group is, per stream (ops command and metrics)."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from eventing.streams import text


@dataclass(frozen=True)
class GroupLag:
    stream: str
    group: str
    #: Entries delivered to the group but not yet acknowledged.
    pending: int
    #: Entries in the stream not yet delivered to the group (None if Redis cannot tell).
    lag: int | None
    last_delivered_id: str
    stream_last_id: str
    stream_length: int


def group_lag(client: redis.Redis, streams_by_group: dict[str, list[str]]) -> list[GroupLag]:
    rows = []
    for group, streams in sorted(streams_by_group.items()):
        for stream in streams:
            try:
                info = client.xinfo_stream(stream)
                groups = {text(g["name"]): g for g in client.xinfo_groups(stream)}
            except redis.ResponseError:  # stream not created yet
                rows.append(GroupLag(stream, group, 0, 0, "-", "-", 0))
                continue
            entry = groups.get(group)
            rows.append(
                GroupLag(
                    stream=stream,
                    group=group,
                    pending=int(entry["pending"]) if entry else 0,
                    lag=(None if entry is None or entry.get("lag") is None else int(entry["lag"])),
                    last_delivered_id=text(entry["last-delivered-id"]) if entry else "-",
                    stream_last_id=text(info["last-generated-id"]),
                    stream_length=int(info["length"]),
                )
            )
    return rows
