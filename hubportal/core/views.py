import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hubportal.core import health
from hubportal.core.colours import text_colour_on
from hubportal.core.params import ParameterError

# What a database connection that went away raises (django.db's wrappers of psycopg's).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@require_GET
@never_cache
def healthz(request):
    """JSON status of the database and the broker: 200 when both answer, else 503."""
    checks = {"database": health.database_status(), "broker": health.broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


# The public API (/api/) answers its errors as JSON, in its own shape, also where the
# error arises before its views (a middleware's refusal, an unhandled error).
API_PREFIX = "/api/"


def _api_error(request, status: int, detail: str, field: str | None = None, code: str = ""):
    if not request.path_info.startswith(API_PREFIX):
        return None
    errors = [{"field": field, "message": detail, "code": code}] if field else []
    response = JsonResponse({"detail": detail, "errors": errors}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception):
    """A parameter we cannot use says which one (other 400s say nothing of their cause)."""
    message = str(exception) if isinstance(exception, ParameterError) else ""
    field = getattr(exception, "parameter", None)
    return _api_error(request, 400, message or _("Bad request."), field, "bad_request") or render(
        request, "400.html", {"message": message}, status=400
    )


def page_not_found(request, exception):
    return _api_error(request, 404, _("Not found.")) or render(request, "404.html", status=404)


def server_error(request):
    """The page for an unhandled error. A lost database connection (PostgreSQL restarted, a
    failover, a backend terminated) is a 503 that asks to try again: the next request
    reconnects. Both pages are static, so they render with no database and no cache."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        response = _api_error(request, 503, _("Try again in a moment.")) or render(
            request, "503.html", status=503
        )
        response["Retry-After"] = "10"
        return response
    return _api_error(request, 500, _("Something went wrong on our side.")) or render(
        request, "500.html", status=500
    )


@require_GET
def choose_language(request, code):
    """Switch language with a plain link (no form, so cached pages carry no CSRF token),
    remember the choice in a cookie and go to the same page in that language."""
    languages = {language for language, _name in settings.LANGUAGES}
    if code not in languages:
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    # translate_url resolves the address in the language it is written in.
    with translation.override(get_language_from_path(target) or settings.LANGUAGE_CODE):
        response = HttpResponseRedirect(translate_url(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


# A year: the colour is the address, so what it answers never changes.
BRAND_STYLESHEET_MAX_AGE = 60 * 60 * 24 * 365


@require_GET
def brand_stylesheet(request, colour):
    """A municipality's brand colour as CSS custom properties, for the header and its accents.

    The Content-Security-Policy allows styles only from the portal's own files (no inline
    style, no nonce: one cached page serves every reader), so the colour comes as a
    stylesheet of its own. The address is the colour itself, six hexadecimal digits and
    nothing else (the URL pattern refuses anything more), so the answer needs no database
    and can be cached by every reader for a year.
    """
    css = (
        f":root {{\n  --hub-brand: #{colour};\n  --hub-brand-text: {text_colour_on(colour)};\n}}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=BRAND_STYLESHEET_MAX_AGE, immutable=True)
    return response
