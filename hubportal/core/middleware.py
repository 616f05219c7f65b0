"""Remember the reader's language across visits.

Bokmål pages have no prefix (/), Nynorsk and English pages do (/nn/, /en/), so that each
language has its own shareable, cacheable addresses. The language switcher stores the
choice in a cookie; this middleware sends a reader who chose Nynorsk or English from an
unprefixed address to the same page in their language.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from hubportal.core.params import ParameterError

from .page_cache import early_response


class PreferredLanguageRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}

    def __call__(self, request):
        preferred = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if (
            request.method in ("GET", "HEAD")
            and preferred in self.languages
            and not request.headers.get("HX-Request")
            and not get_language_from_path(request.path_info)
        ):
            target = translate_url(request.get_full_path(), preferred)
            if target != request.get_full_path():
                response = HttpResponseRedirect(target)
                patch_vary_headers(response, ("Cookie",))
                return response
        response = self.get_response(request)
        return response


class EarlyPageCacheMiddleware:
    """Answer a cookieless GET of a cached public page before the rest of the stack.
    Pages are put there by hubportal.core.page_cache.cached_page only; they are never
    stale (every edit bumps the version they are checked against)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return early_response(request) or self.get_response(request)


class RefuseNulInQueryMiddleware:
    """PostgreSQL cannot compare text with a NUL character, so a query parameter holding one
    is a server error wherever it reaches a filter (the admin's list filters and searches,
    the directory's categories). Refused here, once, with a 400 that names the parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise ParameterError(
                    _("“%(name)s” contains characters we cannot search for.")
                    % {"name": name.replace("\x00", "")},
                    parameter=name.replace("\x00", ""),
                )
        return self.get_response(request)
