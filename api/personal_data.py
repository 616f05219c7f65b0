"""The API tokens and webhook subscriptions a municipality administrator made: which ones,
for which application or receiver."""

from __future__ import annotations

from oauth2_provider.models import get_access_token_model

from hubportal.accounts import registry
from hubportal.accounts.registry import iso

from .models import ApiToken, OAuthClient, WebhookSubscription
from .services import (
    api_tokens_forget_creator,
    oauth_clients_forget_creator,
    oauth_grants_erase_person,
    webhook_subscriptions_forget_owner,
)


def _export(user) -> list[dict]:
    return [
        {
            "application": token.name,
            "municipality": token.municipality.name,
            "token_begins": token.prefix,
            "created_at": iso(token.created_at),
            "expires_at": iso(token.expires_at),
            "revoked_at": iso(token.revoked_at),
        }
        for token in ApiToken.objects.filter(created_by=user)
        .select_related("municipality")
        .order_by("pk")
    ]


registry.register(
    "api_tokens",
    export=_export,
    erase=lambda user: api_tokens_forget_creator(user=user),
    models=["api.ApiToken"],
)


def _export_webhooks(user) -> list[dict]:
    return [
        {
            "receiver": subscription.name,
            "municipality": subscription.municipality.name,
            "address": subscription.url,
            "created_at": iso(subscription.created_at),
        }
        for subscription in WebhookSubscription.objects.filter(owner=user)
        .select_related("municipality")
        .order_by("pk")
    ]


registry.register(
    "webhook_subscriptions",
    export=_export_webhooks,
    erase=lambda user: webhook_subscriptions_forget_owner(user=user),
    models=["api.WebhookSubscription"],
)


def _export_oauth(user) -> dict:
    tokens = get_access_token_model().objects.filter(user=user).select_related("application")
    return {
        "applications_let_in": [
            {
                "application": token.application.name if token.application else "",
                "scope": token.scope,
                "expires": iso(token.expires),
            }
            for token in tokens.order_by("pk")
        ],
        "applications_registered": [
            {"application": client.name, "municipality": client.municipality.name}
            for client in OAuthClient.objects.filter(created_by=user).select_related("municipality")
        ],
    }


def _erase_oauth(user) -> None:
    oauth_grants_erase_person(user=user)
    oauth_clients_forget_creator(user=user)


registry.register(
    "oauth",
    export=_export_oauth,
    erase=_erase_oauth,
    models=[
        "api.OAuthClient",
        "oauth2_provider.Application",
        "oauth2_provider.AccessToken",
        "oauth2_provider.RefreshToken",
        "oauth2_provider.Grant",
        "oauth2_provider.IDToken",
        "oauth2_provider.DeviceGrant",
    ],
)
