"""Reading legacy records, as the legacy implementation of a port does.

The legacy API pages its lists by record number (``after`` the last number seen,
``limit`` at most), in ascending order; a port wants every item. An answer other than
200 raises ``SideFailed`` — never read as the end of the list — except the 404 of a
list whose owner legacy does not know, when the caller says that means "none". A single
record (``one``) is likewise None on 404 and ``SideFailed`` on any other non-200.
"""

from __future__ import annotations

from collections.abc import Iterator

from legacy_adapter.client import LegacyClient
from legacy_adapter.ports.refusals import SideFailed


def items(
    client: LegacyClient, path: str, *, number_field: str, query: dict | None = None,
    page_size: int = 200, none_if_unknown: bool = False,
) -> Iterator[dict]:  # fmt: skip
    """Every item of the legacy list at ``path``, in number order."""
    after = 0
    while True:
        answer = client.request(
            "GET", path, query={**(query or {}), "after": after, "limit": page_size}
        )
        if answer.status == 404 and none_if_unknown:
            return
        if answer.status != 200:
            raise SideFailed(f"legacy {path} answered {answer.status}: {answer.body[:200]!r}")
        page = answer.json()["items"]
        if not page:
            return
        yield from page
        after = page[-1][number_field]


def one(client: LegacyClient, path: str) -> dict | None:
    """The legacy record at ``path``; None when legacy does not know it (404)."""
    answer = client.request("GET", path)
    if answer.status == 404:
        return None
    if answer.status != 200:
        raise SideFailed(f"legacy {path} answered {answer.status}: {answer.body[:200]!r}")
    return answer.json()
