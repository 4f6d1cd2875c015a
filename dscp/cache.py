"""Django's Redis cache, keeping one client object per connection pool."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    """Django builds a new ``redis.Redis`` for every cache call (about 0.1 ms of CPU, a
    quarter of a ``cache.get``: a booking post makes eight). A client is only a handle on
    its connection pool, which is thread-safe and reopens its connections after a fork,
    so one client per pool serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
