"""Bearer tokens for the staff reads: ``Authorization: Bearer hp_…``.

A token that is unknown, expired or revoked is a 401 that says which (only the holder of
the token learns anything); one used more often than its limit per minute is a 429 until
the next minute (``hubportal.core.rate_limit``, the portal's fixed window in the shared
cache)."""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer
from oauth2_provider.models import get_access_token_model

from hubportal.core.rate_limit import rate_limit_consume

from .errors import ApiError
from .models import ApiToken
from .permissions import oauth_token_allows
from .services import TOKEN_PREFIX, api_token_used


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


class CitizenAuth(HttpBearer):
    """An OAuth 2 access token a citizen gave an application (``/o/authorize/``, then
    ``/o/token/``), for the reads of their own data: ``Authorization: Bearer <token>``.
    Staff ``hp_`` tokens are not citizens' tokens. The token must be known, not expired,
    of an active person, and carry the scope the read needs (403 when it does not)."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token: str):
        if token.startswith(TOKEN_PREFIX):
            raise ApiError(
                401,
                _("A staff API token cannot read a person's own data; send their OAuth token."),
                code="token_invalid",
            )
        found = (
            get_access_token_model()
            .objects.select_related("user", "application")
            .filter(token_checksum=hashlib.sha256(token.encode()).hexdigest())
            .first()
        )
        if found is None or found.user is None or not found.user.is_active:
            raise ApiError(401, _("This access token is not valid."), code="token_invalid")
        if found.is_expired():
            raise ApiError(401, _("This access token has expired."), code="token_expired")
        if not oauth_token_allows(found, self.scope):
            raise ApiError(
                403,
                _("This access token does not allow “%(scope)s”."),
                code="insufficient_scope",
                params={"scope": self.scope},
            )
        return found
