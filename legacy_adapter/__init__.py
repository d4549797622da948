"""The road off the legacy monolith: its HTTP client, the anti-corruption layer that
translates its payloads into domain terms, branch-by-abstraction ports and the sync
commands. The legacy system itself is not in this repository."""
