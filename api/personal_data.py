"""The API tokens and webhook subscriptions a municipality administrator made: which ones,
for which application or receiver."""

from __future__ import annotations

from hubportal.accounts import registry
from hubportal.accounts.registry import iso

from .models import ApiToken, WebhookSubscription
from .services import api_tokens_forget_creator, webhook_subscriptions_forget_owner


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
