"""How a public read of the API is answered: from the portal's never-stale page cache.

A public answer depends on its address alone (the language is the ``lang`` parameter,
Bokmål by default; no cookie or header changes it), so one shared copy serves every
reader: from the early page cache for a reader without cookies (before sessions and the
view), from the page cache for the others. Every change of public content bumps the
content version the copies are checked against (``hubportal.core.page_cache``), so a copy
is never stale; one that shows something that changes with time (today's date, the next
15 minutes' free times) expires by itself when that changes.

Each copy carries ``Last-Modified`` (when it was built) and an ``ETag`` (its bytes'
digest), so a client that asks again with ``If-None-Match`` or ``If-Modified-Since`` gets a
304 (``api.middleware.ConditionalApiMiddleware``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

from hubportal.core.page_cache import cached_page

from .errors import LANGUAGES, ApiError

CONTENT_TYPE = "application/json; charset=utf-8"


def data_language(request: HttpRequest) -> str:
    """The language of the data: ``lang`` if given (one of nb, nn, en), else Bokmål. Not
    Accept-Language: the address alone decides what a shared copy holds."""
    wanted = request.GET.get("lang", "")
    return wanted if wanted in LANGUAGES else settings.LANGUAGE_CODE


def refuse_unknown_parameters(request: HttpRequest, allowed: Iterable[str]) -> None:
    """An unknown query parameter is a mistake (a misspelt filter would silently filter
    nothing): refused with a 400 that names it."""
    known = set(allowed) | {"lang"}
    language = request.GET.get("lang")
    if language is not None and language not in LANGUAGES:
        raise ApiError(
            422,
            _("Must be one of %(choices)s."),
            field="lang",
            code="not_a_choice",
            params={"choices": ", ".join(sorted(LANGUAGES))},
        )
    for name in request.GET:
        if name not in known:
            raise ApiError(
                400,
                _("Unknown parameter “%(name)s”. Known parameters: %(known)s."),
                field=name[:100],
                code="unknown_parameter",
                params={"name": name[:100], "known": ", ".join(sorted(known))},
            )


def json_bytes(payload: BaseModel) -> bytes:
    return payload.model_dump_json().encode()


def _response(body: bytes, content_type: str = CONTENT_TYPE) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Language"] = translation.get_language()  # the data's (``lang``)
    response["Last-Modified"] = http_date(timezone.now().timestamp())
    response["ETag"] = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    return response


def public_read(
    request: HttpRequest,
    *,
    allowed: Iterable[str],
    build: Callable[[], tuple[BaseModel, datetime | None]],
) -> HttpResponse:
    """Answer a public GET from the shared copy, or build it with
    ``build() -> (payload, valid_until)`` in the data's language and keep it until
    ``valid_until`` (None: until content changes, at most the page cache's limit)."""
    refuse_unknown_parameters(request, allowed)

    def build_response():
        payload, valid_until = build()
        return _response(json_bytes(payload)), valid_until

    with translation.override(data_language(request)):
        return cached_page(request, scopes=(), build=build_response)


def public_document(
    request: HttpRequest,
    *,
    allowed: Iterable[str],
    content_type: str,
    build: Callable[[], bytes],
) -> HttpResponse:
    """As ``public_read``, for an answer that is not JSON (the RDF of a data catalogue):
    its bytes, built once and shared until content changes."""
    refuse_unknown_parameters(request, allowed)

    def build_response():
        response = _response(build(), content_type)
        del response["Content-Language"]  # the document holds every language
        return response, None

    with translation.override(settings.LANGUAGE_CODE):
        return cached_page(request, scopes=(), build=build_response)


def private_read(request: HttpRequest, *, allowed: Iterable[str], payload_of) -> HttpResponse:
    """Answer an authenticated read, built for this token and never shared."""
    refuse_unknown_parameters(request, allowed)
    with translation.override(data_language(request)):
        response = _response(json_bytes(payload_of()))
    response["Cache-Control"] = "private, max-age=0"
    response["Vary"] = "Authorization"
    return response
