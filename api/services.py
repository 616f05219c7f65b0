"""The writes of the API app: creating and revoking tokens, and noting their use."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hubportal.core.errors import DomainError

from .models import ApiToken
from .permissions import can_create_api_token, can_revoke_api_token

TOKEN_PREFIX = "hp_"
LONGEST_VALIDITY = timedelta(days=2 * 365)
USE_NOTED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown once; only its digest is stored


@transaction.atomic
def api_token_create(
    *, by, municipality, name: str, expires_at: datetime, requests_per_minute: int = 120
) -> CreatedToken:
    """A new token for an application of the municipality, by one of its administrators."""
    token = ApiToken(
        municipality=municipality,
        name=name,
        expires_at=expires_at,
        requests_per_minute=requests_per_minute,
        created_by=by,
    )
    if not can_create_api_token(by, token):
        raise PermissionDenied
    now = timezone.now()
    if expires_at is None or expires_at <= now:
        raise DomainError(_("Choose an expiry date in the future."), field="expires_at")
    if expires_at > now + LONGEST_VALIDITY:
        raise DomainError(_("A token can be valid for at most two years."), field="expires_at")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token.prefix = secret[: len(TOKEN_PREFIX) + 6]
    token.digest = ApiToken.digest_of(secret)
    try:
        token.full_clean()
    except ValidationError as invalid:
        raise DomainError.from_validation_error(invalid) from None
    token.save()
    return CreatedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, by, token: ApiToken) -> ApiToken:
    """The token stops working at once (kept, for the record)."""
    if not can_revoke_api_token(by, token):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_used(*, token: ApiToken) -> None:
    """Note when the token was last used (at most once a minute: a read is not a write)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_NOTED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_tokens_forget_creator(*, user) -> int:
    """The person who made tokens is deleted: the tokens stay the municipality's (the
    applications using them go on working), without a reference to the person."""
    return ApiToken.objects.filter(created_by=user).update(created_by=None)
