"""Bearer tokens for the staff reads: ``Authorization: Bearer hp_…``.

A token that is unknown, expired or revoked is a 401 that says which (only the holder of
the token learns anything); one used more often than its limit per minute is a 429 until
the next minute (``hubportal.core.rate_limit``, the portal's fixed window in the shared
cache)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from hubportal.core.rate_limit import rate_limit_consume

from .errors import ApiError
from .models import ApiToken
from .services import api_token_used


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = ApiToken.objects.filter(digest=ApiToken.digest_of(token)).first()
        if found is None:
            raise ApiError(401, _("This API token is not valid."), code="token_invalid")
        if found.is_revoked:
            raise ApiError(401, _("This API token has been revoked."), code="token_revoked")
        if found.is_expired():
            raise ApiError(401, _("This API token has expired."), code="token_expired")
        allowed = rate_limit_consume(
            action="api-token",
            key=str(found.pk),
            limit=found.requests_per_minute,
            window_seconds=60,
        )
        if not allowed:
            raise ApiError(
                429,
                _("Too many requests with this token: at most %(limit)s a minute."),
                code="rate_limited",
                params={"limit": found.requests_per_minute},
            )
        api_token_used(token=found)
        return found
