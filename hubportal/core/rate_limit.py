"""A fixed-window rate limit in the shared cache, for public forms that send messages
(sign-in is limited by django-allauth's own rate limits).

A cache that does not answer lets the request through (and says so in the log): a
message a citizen wants to send matters more than the limit, and the outbox is in
PostgreSQL, not in the cache."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """Who is asking, by the same rule as django-allauth's login rate limits: the header or
    the number of trusted proxies its settings name (``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``,
    ``ALLAUTH_TRUSTED_PROXY_COUNT``), else the connection's address."""
    address = None
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if header:
        address = request.headers.get(header)
    else:
        proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
            address = forwarded[-proxies]
    return (address or request.META.get("REMOTE_ADDR", "") or "unknown").strip()[:64]


def rate_limit_consume(*, action: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of `action` by `key` in the current window; False once the uses in
    the window exceed `limit`."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rate-limit:{action}:{digest}"
    try:
        if cache.add(cache_key, 1, timeout=window_seconds):
            return True
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(cache_key, 1, timeout=window_seconds)
        return True
    except Exception:  # the cache is down
        logger.warning("rate limit for %s not checked: the cache did not answer", action)
        return True
    return used <= limit
