"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` on every cache
call, and building one registers some 170 response callbacks: on the rate limiter's
path (two cache calls per request) that cost more than the Redis commands. A
``redis.Redis`` is a thin, thread-safe handle on its pool, and the pool already starts
over after a fork, so one client per pool is enough. Everything else is Django's.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class _PooledClients(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _PooledClients
