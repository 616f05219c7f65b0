"""The API's own answers outside Django Ninja's operations."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import error_body, request_language


def not_found(request, rest: str = ""):
    """An address under /api/ that names no operation: a JSON 404, as the operations'."""
    with translation.override(request_language(request)):
        response = JsonResponse(error_body(_("Not found."), []), status=404)
    response["Cache-Control"] = "no-store"
    return response
