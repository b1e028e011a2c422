"""The cache on Redis, kept working while Redis is away.

When Redis cannot be reached, ``ResilientRedisCache`` serves every call from a local-memory cache
of this process instead of raising, and stops asking Redis for ``RETRY_AFTER`` seconds, so a dead
Redis costs a page microseconds, not a connection attempt per call. Pages read the database as on
a cache miss. Rate limits (allauth's log-in and sign-up limits, the API's throttles) keep counting
in that local cache: still enforced, per process, never open; an attacker gets a fresh count once
per outage and process at most.

The keys a process changed during an outage are deleted from Redis by that process's first call
once Redis is back, so that Redis's older copy (a session since ended) does not come back.

Django's Redis cache builds a redis-py client at every call, and redis-py's constructor copies its
table of some 170 reply parsers each time: a directory search makes a dozen cache calls, and that
copying was 1 ms of it. ``ReusedRedisClients`` keeps one client per connection pool instead
(redis-py's clients hold no connection of their own and are safe to share).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_AWAY = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 5.0  # seconds during which a process that found Redis away does not ask it again
FALLBACK_ENTRIES = 10_000  # keys the local cache holds before culling (rate limits live there)


class RedisOutage:
    """Whether this process found Redis away lately, and the keys it changed meanwhile; one per
    process, shared by its threads (Django builds a cache object per thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.retry_at = 0.0
        self._stale_keys: set[str] = set()

    def ongoing(self) -> bool:
        return time.monotonic() < self.retry_at

    def begin(self, error: Exception) -> None:
        with self._lock:
            already_known = self.ongoing()
            self.retry_at = time.monotonic() + RETRY_AFTER
        if not already_known:  # one warning per RETRY_AFTER, not one per call
            logger.warning(
                "Redis cache unreachable (%s); using this process's memory for %s s",
                error,
                RETRY_AFTER,
            )

    def changed(self, keys) -> None:
        with self._lock:
            self._stale_keys.update(keys)

    def drop_stale_keys(self, client) -> None:
        """Delete from Redis what this process changed while Redis was away: a session ended
        or a count reset meanwhile must not come back with Redis's older copy."""
        if not self._stale_keys:
            return
        with self._lock:
            keys = list(self._stale_keys)
        client.delete_many(keys)
        with self._lock:
            self._stale_keys.difference_update(keys)
        logger.warning("Redis cache back; dropped %d key(s) changed while it was away", len(keys))


outage = RedisOutage()


class ReusedRedisClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClients
        self._fallback = LocMemCache(
            "core.cache.fallback", {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_ENTRIES}}
        )

    def _call(self, method: str, *args, changing=(), version=None):
        if not outage.ongoing():
            try:
                outage.drop_stale_keys(self._cache)
                return getattr(super(), method)(*args, version=version)
            except REDIS_AWAY as error:
                outage.begin(error)
        outage.changed(self.make_and_validate_key(key, version=version) for key in changing)
        return getattr(self._fallback, method)(*args, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, changing=[key], version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, changing=[key], version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, changing=[key], version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, changing=[key], version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, changing=[key], version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, changing=list(data), version=version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call("delete_many", keys, changing=keys, version=version)

    def ping(self) -> None:
        """Ask Redis itself, never the fallback; raises when Redis cannot be reached."""
        self._cache.get_client(write=True).ping()

    def clear(self):
        if not outage.ongoing():
            try:
                return super().clear()
            except REDIS_AWAY as error:
                outage.begin(error)
        return self._fallback.clear()
