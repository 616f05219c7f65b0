"""One shape for every refusal of the API, and the words in it.

Every 4xx answer is ``{"detail": "...", "errors": [{"field": ..., "message": ..., "code":
...}]}``: the field is the query parameter (or path parameter) at fault, or null when the
request as a whole is refused. Messages are the portal's own, translated (Bokmål, Nynorsk,
English): in the language the request's ``lang`` parameter names, else the one its
Accept-Language header prefers (Bokmål when it names none of them). Pydantic's own
validation messages are replaced by ours by their error type, so nothing a client reads
depends on the library's wording.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)

LANGUAGES = {code for code, _name in settings.LANGUAGES}


class ApiError(Exception):
    """A refusal the API explains: the status, the field at fault and the message."""

    def __init__(
        self,
        status: int,
        message,
        *,
        field: str | None = None,
        code: str = "invalid",
        params: dict | None = None,
    ):
        super().__init__(str(message))
        self.status = status
        self.message = message  # lazy: put into words in the reader's language
        self.params = params or {}
        self.field = field
        self.code = code

    def words(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def request_language(request: HttpRequest) -> str:
    """The ``lang`` parameter when it names one of the portal's languages, else the one
    the reader's language cookie or Accept-Language header prefers, else Bokmål. (The
    locale middleware gives every address without a language prefix Bokmål.)"""
    wanted = request.GET.get("lang", "")
    if wanted in LANGUAGES:
        return wanted
    preferred = translation.get_language_from_request(request)[:2]
    return preferred if preferred in LANGUAGES else settings.LANGUAGE_CODE


def error_body(detail: str, errors: list[dict]) -> dict:
    return {"detail": detail, "errors": errors}


def _message_for(error: dict) -> tuple[str, str]:
    """Our words (and a stable code) for one of pydantic's validation errors."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "not_integer", _("Must be a whole number.")
    if kind in ("greater_than_equal", "greater_than"):
        limit = context.get("ge", context.get("gt"))
        return "too_small", _("Must be at least %(limit)s.") % {"limit": limit}
    if kind in ("less_than_equal", "less_than"):
        limit = context.get("le", context.get("lt"))
        return "too_large", _("Must be at most %(limit)s.") % {"limit": limit}
    if kind.startswith("date") or kind.startswith("datetime"):
        return "not_date", _("Must be a date written YYYY-MM-DD.")
    if kind in ("bool_parsing", "bool_type"):
        return "not_boolean", _("Must be true or false.")
    if kind in ("enum", "literal_error"):
        expected = context.get("expected", "")
        return "not_a_choice", _("Must be one of %(choices)s.") % {"choices": expected}
    if kind in ("string_too_long",):
        return "too_long", _("Must be at most %(limit)s characters.") % {
            "limit": context.get("max_length")
        }
    if kind in ("string_pattern_mismatch", "string_type"):
        return "malformed", _("Is not written as this parameter must be.")
    if kind == "missing":
        return "missing", _("Is required.")
    return "invalid", _("Is not a value this parameter accepts.")


def _field_of(error: dict) -> str | None:
    location = [part for part in error.get("loc", ()) if part not in ("query", "path")]
    return str(location[-1]) if location else None


def _json(api: NinjaAPI, request: HttpRequest, status: int, body: dict) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def install(api: NinjaAPI) -> None:
    """Answer every refusal of this API in the one shape, in the reader's language."""

    @api.exception_handler(NinjaValidationError)
    def invalid_parameters(request, exc: NinjaValidationError):
        with translation.override(request_language(request)):
            errors = []
            for error in exc.errors:
                code, message = _message_for(error)
                errors.append({"field": _field_of(error), "message": message, "code": code})
            detail = _("Some parameters are not valid.")
            return _json(api, request, 422, error_body(detail, errors))

    @api.exception_handler(ApiError)
    def refused(request, exc: ApiError):
        with translation.override(request_language(request)):
            message = exc.words()
            errors = [{"field": exc.field, "message": message, "code": exc.code}]
            response = _json(api, request, exc.status, error_body(message, errors))
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="hubportal"'
        if exc.status == 429:
            response["Retry-After"] = "60"
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc):
        with translation.override(request_language(request)):
            detail = _("Not found.")
            return _json(api, request, 404, error_body(detail, []))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        with translation.override(request_language(request)):
            detail = _("A valid API token is required (Authorization: Bearer <token>).")
            response = _json(api, request, 401, error_body(detail, []))
            response["WWW-Authenticate"] = 'Bearer realm="hubportal"'
            return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        with translation.override(request_language(request)):
            return _json(api, request, exc.status_code, error_body(str(exc), []))
