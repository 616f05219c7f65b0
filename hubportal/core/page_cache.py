"""Caching of anonymous portal pages that is never stale.

A cached page is keyed by its address, language and the *content versions* of what it
shows. Any change a member of staff makes bumps the version of its municipality (and the
installation-wide version), so the next request renders afresh: edits show at once. A page
that shows "open now" is cached only until the next opening or closing time on it.

The services that change what the public sees call :func:`invalidate_after_commit`
themselves (no signal follows saves: an ``.update()`` or a bulk action would slip past it).

The pages live in the ``pages`` cache (Redis, hubportal.core.cache.FailSafeRedisCache). While
Redis is away every page is built afresh and nothing is stored; a version bump that could not
reach Redis is remembered by the process and made as soon as Redis answers again, so that no
copy cached before the outage is served after it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from .templatetags.personal import region

MAX_TIMEOUT = 300  # seconds
GLOBAL = "all"
CACHE_ALIAS = "pages"


def _cache():
    return caches[CACHE_ALIAS]


def _cache_available() -> bool:
    return getattr(_cache(), "available", True)


def _version_key(scope) -> str:
    return f"content-version:{scope}"


def content_version(scope=GLOBAL) -> int:
    cache = _cache()
    key = _version_key(scope)
    version = cache.get(key)
    if version is None:
        version = int(timezone.now().timestamp() * 1000)
        cache.add(key, version, timeout=None)
        version = cache.get(key, version)
    return version


# Scopes whose bump could not reach the cache in this process (Redis was away).
_lost_bumps: set = set()


def bump_content_version(*scopes) -> None:
    """Invalidate every cached page that shows content of these municipalities."""
    cache = _cache()
    scopes = {GLOBAL, *(s for s in scopes if s is not None)}
    scopes |= _lost_bumps
    for scope in scopes:
        key = _version_key(scope)
        try:
            cache.incr(key)
        except ValueError:  # not cached yet: any new value differs from what pages used
            cache.set(key, int(timezone.now().timestamp() * 1000), timeout=None)
    if _cache_available():
        _lost_bumps.difference_update(scopes)
    else:
        _lost_bumps.update(scopes)


def _make_lost_bumps() -> None:
    """Bump what could not be bumped while Redis was away, once it can be."""
    if _lost_bumps and _cache_available():
        bump_content_version()


def invalidate_after_commit(*municipality_ids: int | None) -> None:
    """Once the current transaction commits, every cached page that shows content of these
    municipalities (and every installation-wide page) is stale. Nothing happens if it rolls
    back. Called by each service that changes what the public sees."""
    scopes = tuple(municipality_ids)
    # robust: the write is committed; a cache that cannot be told must not turn it into an
    # error page (the failure is logged).
    transaction.on_commit(lambda: bump_content_version(*scopes), robust=True)


def cached_page(
    request: HttpRequest,
    *,
    scopes: Iterable,
    build: Callable[[], tuple[HttpResponse, datetime | None]],
    same_for_everyone: bool = True,
) -> HttpResponse:
    """Serve a GET from the cache, or build it with ``build() -> (response, valid_until)``
    and store it until ``valid_until`` (at most MAX_TIMEOUT seconds).

    One shared copy serves every reader: it is built as for a reader without an account,
    and the personal regions of the page (account menu, messages; see the ``personal``
    template tag) are rendered afresh for each reader who sends cookies. A page whose
    content itself depends on who reads it (``same_for_everyone=False``: the week view for
    staff, who may book outside the citizens' rules) is built afresh for a signed-in reader."""
    if request.method != "GET" or (request.user.is_authenticated and not same_for_everyone):
        response, _valid_until = build()
        return response
    _make_lost_bumps()
    cache = _cache()
    scopes = (GLOBAL, *scopes)
    known = cache.get_many([_version_key(scope) for scope in scopes])  # one round trip
    versions = ".".join(
        str(known.get(_version_key(scope)) or content_version(scope)) for scope in scopes
    )
    key = "page:{}:{}:{}:{}".format(
        get_language(),
        "hx" if request.headers.get("HX-Request") else "full",
        hashlib.sha256(request.get_full_path().encode()).hexdigest(),
        versions,
    )
    cached = cache.get(key)
    if cached is not None:
        content, headers = cached
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return _personalised(request, response)
    with _building_shared_copy(request):
        response, valid_until = build()
        if hasattr(response, "render"):
            response.render()
    timeout = MAX_TIMEOUT
    if valid_until is not None:
        timeout = min(timeout, int((valid_until - timezone.now()).total_seconds()))
    patch_vary_headers(response, ("HX-Request", "Cookie"))
    if response.status_code == 200 and timeout > 0:
        patch_cache_control(response, public=True, max_age=min(timeout, 60))
        # The bytes and headers, not the response object: cheaper to store and to load.
        stored = (response.content, dict(response.items()))
        cache.set(key, stored, timeout)
        if not request.COOKIES:
            # A reader without cookies gets the same page from the middleware, before
            # sessions, authentication and the view: checked against the installation-wide
            # version, which every edit bumps. (Only from such a reader: a language
            # cookie may have chosen another language for the same address.)
            cache.set(
                _early_key(request),
                (known.get(_version_key(GLOBAL)) or content_version(GLOBAL), stored),
                timeout,
            )
    return _personalised(request, response)


@contextmanager
def _building_shared_copy(request: HttpRequest) -> Iterator[None]:
    """Build as for a reader without an account; personal regions render as such."""
    user = getattr(request, "user", None)
    request.user = AnonymousUser()
    request.building_shared_page = True
    try:
        yield
    finally:
        request.user = user
        request.building_shared_page = False


_PERSONAL_REGION = re.compile(rb"<!--personal:(\w+)-->.*?<!--/personal:\1-->", re.DOTALL)


def _personalised(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The shared copy with its personal regions rendered for this reader. A reader without
    cookies has no account, no messages and no CSRF token: the shared copy is theirs as it
    is. A personalised page is private: no shared proxy may keep it."""
    if not request.COOKIES or response.status_code != 200:
        return response

    def render(match: re.Match) -> bytes:
        name = match.group(1).decode()
        html = render_to_string(f"includes/personal/{name}.html", request=request)
        return region(name, html).encode()

    response.content = _PERSONAL_REGION.sub(render, response.content)
    patch_cache_control(response, private=True)
    return response


def _early_key(request: HttpRequest) -> str:
    kind = "hx" if request.headers.get("HX-Request") else "full"
    return f"early:{kind}:{hashlib.sha256(request.get_full_path().encode()).hexdigest()}"


def early_response(request: HttpRequest) -> HttpResponse | None:
    """The cached page for a cookieless GET, if it is still current (one Redis round trip)."""
    if request.method != "GET" or request.COOKIES:
        return None
    _make_lost_bumps()
    key = _early_key(request)
    found = _cache().get_many([key, _version_key(GLOBAL)])
    entry = found.get(key)
    if entry is None or entry[0] != found.get(_version_key(GLOBAL)):
        return None
    content, headers = entry[1]
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response
