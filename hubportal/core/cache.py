"""Cache backends that keep the portal answering while Redis is away.

Redis is a cache here, never the source of truth (sessions and the outbox are in
PostgreSQL), so an unreachable, frozen or refusing Redis must cost a page nothing but speed.
Two backends, both Django's RedisCache with short socket timeouts:

- ``FailSafeRedisCache``: while Redis is away every read misses and every write is dropped.
  For the page cache: pages are built afresh, and nothing is kept that other processes could
  not invalidate.
- ``LocalFallbackRedisCache``: while Redis is away the process keeps the values in its own
  memory. For django-allauth's rate limits, which then keep counting per process instead of
  being switched off (or refusing every login).

After a failure the server counts as away for ``RETRY_SECONDS`` in this process: calls go
straight to the fallback instead of each waiting for a timeout. The first call after that
tries Redis again; when it answers, the local fallback is emptied and Redis is used again.
One warning is logged when Redis goes away and one when it is back.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# A cache that does not answer within this time is treated as away (it is on the same network
# and answers in well under a millisecond when it works).
SOCKET_TIMEOUT_SECONDS = 0.5

OUTAGE_ERRORS = (
    redis_errors.ConnectionError,  # refused, reset, closed, still loading its data
    redis_errors.TimeoutError,  # frozen, or the network drops packets
    redis_errors.ReadOnlyError,  # a replica that is being failed over
)


class _Availability:
    """Whether a Redis server is away, as seen by this process (shared by its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._away_until: dict[str, float] = {}

    def is_away(self, location: str) -> bool:
        return time.monotonic() < self._away_until.get(location, 0.0)

    def went_away(self, location: str, error: Exception) -> None:
        with self._lock:
            first = location not in self._away_until
            self._away_until[location] = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "cache %s is unavailable (%s: %s); serving without it",
                location,
                type(error).__name__,
                error,
            )

    def answered(self, location: str) -> bool:
        """Record an answer; True if the server had been away until now."""
        if location not in self._away_until:  # the common case: no lock, no work
            return False
        with self._lock:
            was_away = self._away_until.pop(location, None) is not None
        if was_away:
            logger.warning("cache %s answers again", location)
        return was_away


availability = _Availability()


class FailSafeRedisCache(RedisCache):
    """Django's Redis cache that treats an unavailable Redis as an empty cache."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": _with_timeouts(params.get("OPTIONS", {}))}
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._fallback = self._make_fallback(params)

    def _make_fallback(self, params) -> BaseCache:
        return DummyCache(self._location, params)

    @property
    def available(self) -> bool:
        """False while this process counts the server as away."""
        return not availability.is_away(self._location)

    def _call(self, name: str, *args, **kwargs):
        if availability.is_away(self._location):
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except OUTAGE_ERRORS as error:
            availability.went_away(self._location, error)
            return getattr(self._fallback, name)(*args, **kwargs)
        if availability.answered(self._location):
            self._fallback.clear()
        return result

    # Every operation of Django's cache API goes through _call; the others (get_or_set, decr,
    # incr_version, ...) are built on these by BaseCache.
    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")


class LocalFallbackRedisCache(FailSafeRedisCache):
    """Django's Redis cache that keeps values in process memory while Redis is away."""

    def _make_fallback(self, params) -> BaseCache:
        options = {"MAX_ENTRIES": 10_000, **params.get("OPTIONS", {})}
        return LocMemCache(f"fallback:{self._location}", {**params, "OPTIONS": options})


def _with_timeouts(options: dict) -> dict:
    """Short connect and read timeouts, unless the configuration gives its own."""
    return {
        "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        **options,
    }
