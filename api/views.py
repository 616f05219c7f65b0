"""The API's own answers outside Django Ninja's operations."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .errors import error_body, request_language


def not_found(request, rest: str = ""):
    """An address under /api/ that names no operation: a JSON 404, as the operations'."""
    with translation.override(request_language(request)):
        response = JsonResponse(error_body(_("Not found."), []), status=404)
    response["Cache-Control"] = "no-store"
    return response


# Pages that are a person's own or staff's: not for search engines (the login keeps them
# private anyway; this keeps crawlers from asking).
_PRIVATE_PATHS = [
    "/admin/",
    "/konto/",
    "/bookinger/",
    "/kalender/",
    "/sesong/mine/",
    "/frivillighet/mine-vakter/",
    "/frivillighet/profil/",
    "/frivillighet/koordinator/",
    "/api/v1/staff/",
]


@require_GET
def robots_txt(request):
    prefixes = [""] + [
        f"/{code}" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    ]
    lines = ["User-agent: *", "Allow: /"]
    lines += [
        f"Disallow: {prefix}{path}"
        for path in _PRIVATE_PATHS
        for prefix in (prefixes if not path.startswith("/api/") else [""])
    ]
    lines.append(
        f"Sitemap: {request.build_absolute_uri(reverse('django.contrib.sitemaps.views.sitemap'))}"
    )
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
