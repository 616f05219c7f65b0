"""The fail-safe cache backends (hubportal.core.cache) against a real Redis that is stopped,
frozen and started again, in this process."""

from __future__ import annotations

import logging
import time

import pytest

from hubportal.core import cache as failsafe
from hubportal.core.cache import FailSafeRedisCache, LocalFallbackRedisCache

pytestmark = pytest.mark.servers


@pytest.fixture(autouse=True)
def _short_retry_window(monkeypatch):
    monkeypatch.setattr(failsafe, "RETRY_SECONDS", 0.3)
    failsafe.availability._away_until.clear()
    yield
    failsafe.availability._away_until.clear()


def backend(cls, redis_server, prefix):
    return cls(redis_server.url, {"KEY_PREFIX": prefix, "TIMEOUT": 60})


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.parametrize("failure", ["stop", "freeze"])
def test_fail_safe__redis_away__misses_quickly_and_hits_again_when_back(redis_up, failure, caplog):
    pages = backend(FailSafeRedisCache, redis_up, "pages-test")
    pages.set("page", b"<html>", 60)
    assert pages.get("page") == b"<html>" and pages.available
    getattr(redis_up, failure)()
    with caplog.at_level(logging.WARNING, logger="hubportal.core.cache"):
        value, first = timed(lambda: pages.get("page"))
        assert value is None and not pages.available
        assert first < failsafe.SOCKET_TIMEOUT_SECONDS * 2 + 0.5  # one timeout at most
        for call in (
            lambda: pages.get_many(["page", "other"]),
            lambda: pages.set("page", b"new", 60),
            lambda: pages.add("x", 1),
            lambda: pages.delete("page"),
        ):
            _result, seconds = timed(call)
            assert seconds < 0.05  # inside the away window: Redis is not even tried
        assert pages.get_many(["page"]) == {}
        with pytest.raises(ValueError):
            pages.incr("missing")  # as for a missing key: page_cache then sets it
    warnings = [r for r in caplog.records if r.getMessage().startswith(f"cache {redis_up.url}")]
    assert len(warnings) == 1  # one warning per outage, not one per call
    redis_up.thaw()
    if failure == "stop":
        redis_up.start()
    time.sleep(failsafe.RETRY_SECONDS)
    if failure == "freeze":  # the data survived the outage
        assert pages.get("page") == b"<html>"
    pages.set("page", b"fresh", 60)
    assert pages.get("page") == b"fresh" and pages.available


def test_local_fallback__counts_in_memory_while_away_then_back_to_redis(redis_up):
    limits = backend(LocalFallbackRedisCache, redis_up, "limits-test")
    limits.set("attempts", 1)
    redis_up.stop()
    assert limits.get("attempts") is None  # Redis's value is out of reach
    assert limits.add("attempts", 1) is True
    assert limits.add("attempts", 1) is False  # locks work: allauth's limiter relies on add
    assert limits.incr("attempts") == 2
    assert limits.get("attempts") == 2
    redis_up.start()
    time.sleep(failsafe.RETRY_SECONDS)
    assert limits.get("attempts") is None  # Redis again (it restarted empty)
    redis_up.stop()
    assert limits.get("attempts") is None  # and the memory was emptied when it came back
