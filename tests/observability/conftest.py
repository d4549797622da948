"""The bus tests' own Redis, for the trace test that crosses the bus."""

from tests.bus.conftest import bus, redis_server

__all__ = ["bus", "redis_server"]
