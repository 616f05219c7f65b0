"""The writes of the API app: creating and revoking tokens, and noting their use; webhook
subscriptions, the messages a change queues, and what a delivery's outcome means."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    DeviceGrant,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from hubportal import permissions
from hubportal.core.changes import ChangeKind
from hubportal.core.errors import DomainError
from hubportal.notifications.channels import RefusedForGood
from hubportal.notifications.enums import Channel, Status
from hubportal.notifications.models import Notification
from hubportal.notifications.services import notification_enqueue, notification_enqueue_prepared
from hubportal.permissions import Action, Role

from . import webhooks
from .models import ApiToken, OAuthClient, OAuthClientType, WebhookDelivery, WebhookSubscription
from .permissions import (
    can_create_api_token,
    can_manage_oauth_client,
    can_manage_webhook,
    can_revoke_api_token,
)
from .webhook_addresses import AddressRefused, webhook_target

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


# --------------------------------------------------------------------------- webhooks


def webhook_subscriptions_forget_owner(*, user) -> int:
    """The person who made subscriptions is deleted: they stay the municipality's (its
    systems go on receiving), and its administrators are told if one is switched off."""
    return WebhookSubscription.objects.filter(owner=user).update(owner=None)


@dataclass(frozen=True)
class CreatedSubscription:
    subscription: WebhookSubscription
    secret: str  # shown once; kept only to sign with


def _checked_address(url: str) -> None:
    try:
        webhook_target(url)
    except AddressRefused as refused:
        raise DomainError(str(refused), field="url") from None


def _kinds(kinds) -> list[str]:
    chosen = list(dict.fromkeys(kinds or []))
    if not chosen:
        raise DomainError(_("Choose at least one kind of change."), field="kinds")
    for kind in chosen:
        if kind not in ChangeKind.values:
            raise DomainError(_("Choose kinds of change from the list."), field="kinds")
    return chosen


def _validated(subscription: WebhookSubscription) -> None:
    try:
        subscription.full_clean()
    except ValidationError as invalid:
        raise DomainError.from_validation_error(invalid) from None


@transaction.atomic
def webhook_subscription_create(
    *, by, municipality, name: str, url: str, kinds
) -> CreatedSubscription:
    """A municipality's administrator subscribes an address to kinds of change. The address
    must be https on the internet (``api.webhook_addresses``); the secret that signs the
    messages is made here and given once."""
    secret = webhooks.new_secret()
    subscription = WebhookSubscription(
        municipality=municipality,
        name=name,
        url=url,
        kinds=_kinds(kinds),
        owner=by,
        secret=secret,
        secret_prefix=secret[: len(webhooks.SECRET_PREFIX) + 6],
    )
    if not can_manage_webhook(by, subscription):
        raise PermissionDenied
    _validated(subscription)
    _checked_address(url)
    subscription.save()
    return CreatedSubscription(subscription=subscription, secret=secret)


@transaction.atomic
def webhook_subscription_update(
    *, by, subscription: WebhookSubscription, name: str, url: str, kinds, is_active: bool
) -> WebhookSubscription:
    """Change the address, the kinds or the name; switch it off, or on again (which
    forgets the failures that disabled it)."""
    if not can_manage_webhook(by, subscription):
        raise PermissionDenied
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.name, subscription.url, subscription.kinds = name, url, _kinds(kinds)
    if is_active and not subscription.is_active:
        subscription.failing_since = subscription.disabled_at = None
        subscription.disabled_reason = ""
    elif not is_active and subscription.is_active:
        subscription.disabled_at = timezone.now()
        subscription.disabled_reason = _("Switched off by %(person)s.") % {"person": by}
    subscription.is_active = is_active
    _validated(subscription)
    _checked_address(url)
    subscription.save()
    return subscription


def webhooks_enqueue_change(*, kind: ChangeKind, obj, municipality_id: int) -> int:
    """A change happened (``hubportal.core.changes``), in the transaction that made it:
    one message to each active subscription of the municipality that wants this kind,
    written to the outbox now (sent after commit, nothing on a rollback). A change of the
    same object told twice in one transaction (the rows of one admin form) is one message,
    with what the object is at the last telling. Returns the number of messages."""
    subscriptions = list(
        WebhookSubscription.objects.filter(
            municipality_id=municipality_id, is_active=True, kinds__contains=[kind]
        ).select_related("municipality")
    )
    if not subscriptions:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        transaction_id = cursor.fetchone()[0]
    data = webhooks.message_data(kind=kind, obj=obj)
    now = timezone.now()
    change = f"{kind}:{obj._meta.label_lower}:{obj.pk}:{transaction_id}"
    for subscription in subscriptions:
        key = f"webhook:{subscription.pk}:{change}"
        told = (
            WebhookDelivery.objects.filter(notification__dedupe_key=key)
            .select_related("notification")
            .first()
        )
        message_id = told.message_id if told else webhooks.new_message_id()
        body = webhooks.message_body(
            message_id=message_id,
            kind=kind,
            occurred_at=now,
            municipality=subscription.municipality,
            data=data,
        )
        if told:
            Notification.objects.filter(pk=told.pk, status=Status.PENDING).update(body_text=body)
            continue
        notification = notification_enqueue_prepared(
            channel=Channel.WEBHOOK,
            to_address=subscription.url,
            template="api/webhook",
            subject=kind,
            body_text=body,
            dedupe_key=key,
        )
        WebhookDelivery.objects.create(
            notification=notification, subscription=subscription, message_id=message_id, kind=kind
        )
    return len(subscriptions)


def webhook_send(notification: Notification) -> None:
    """Deliver one webhook message (the outbox's channel handler, while its row is locked
    and marked sent): to an active subscription only, at an address checked again now;
    a 2xx answer is a success and ends the subscription's failing."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(
        notification_id=notification.pk
    )
    subscription = delivery.subscription
    if not subscription.is_active:
        raise RefusedForGood("the subscription is disabled")
    try:
        target = webhook_target(subscription.url)
    except AddressRefused as refused:
        raise webhooks.ReceiverFailed(str(refused)) from None
    webhooks.post(
        target=target,
        secret=subscription.secret,
        message_id=delivery.message_id,
        body=notification.body_text.encode(),
    )
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        failing_since=None, last_success_at=timezone.now()
    )


def webhook_delivery_failed(notification: Notification, error: Exception, final: bool) -> None:
    """An attempt failed (the outbox retries it with backoff, or it is failed now). A
    subscription with no success since its first failure ``WEBHOOK_DISABLE_AFTER_DAYS``
    ago is disabled, and its owner told by email."""
    subscription = (
        WebhookSubscription.objects.select_for_update(of=("self",))
        .filter(deliveries__notification_id=notification.pk, is_active=True)
        .first()
    )
    if subscription is None:
        return
    now = timezone.now()
    if subscription.failing_since is None:
        subscription.failing_since = now
        subscription.save(update_fields=["failing_since"])
        return
    if now - subscription.failing_since >= timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS):
        webhook_subscription_disable(subscription=subscription, last_error=notification.last_error)


def webhook_subscription_disable(*, subscription: WebhookSubscription, last_error: str) -> None:
    """No more messages to a receiver that has failed for days; its owner (or, without
    one, the municipality's administrators) hears of it by email, through the outbox."""
    days = settings.WEBHOOK_DISABLE_AFTER_DAYS
    subscription.is_active = False
    subscription.disabled_at = timezone.now()
    subscription.disabled_reason = (
        _("Every delivery failed for %(days)d days; the last: %(error)s")
        % {"days": days, "error": last_error}
    )[:300]
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    owners = (
        [subscription.owner]
        if subscription.owner is not None and subscription.owner.is_active
        else list(
            permissions.users_who_can(Action.CHANGE, subscription, roles=[Role.MUNICIPALITY_ADMIN])
        )
    )
    for owner in owners:
        notification_enqueue(
            template="api/email/webhook_disabled",
            context={
                "subscription": subscription,
                "days": days,
                "last_error": last_error,
                "admin_path": reverse(
                    "admin:api_webhooksubscription_change", args=[subscription.pk]
                ),
            },
            recipient=owner,
            dedupe_key=f"webhook-disabled:{subscription.pk}:{subscription.disabled_at:%s}:{owner.pk}",
        )


# --------------------------------------------------------------------------- OAuth clients


@dataclass(frozen=True)
class CreatedClient:
    client: OAuthClient
    secret: str  # a confidential client's secret, shown once ("" for a public client)


def _registration(client: OAuthClient, application=None):
    """django-oauth-toolkit's Application, as the client row says (authorization code,
    PKCE required by the settings, the citizen always asked for consent)."""
    Application = get_application_model()
    application = application or Application(user=client.created_by)
    application.name = client.name
    application.client_type = (
        Application.CLIENT_CONFIDENTIAL
        if client.client_type == OAuthClientType.CONFIDENTIAL
        else Application.CLIENT_PUBLIC
    )
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.redirect_uris = " ".join(client.redirect_uris.split())
    application.skip_authorization = False
    return application


def _checked_registration(application) -> None:
    try:
        application.full_clean(exclude=["client_secret", "user"])
    except ValidationError as invalid:
        errors = getattr(invalid, "error_dict", {})
        known = {k: v for k, v in errors.items() if k in {"name", "redirect_uris"}}
        raise DomainError.from_validation_error(ValidationError(known or errors)) from None


@transaction.atomic
def oauth_client_create(
    *, by, municipality, name: str, redirect_uris: str, client_type: str
) -> CreatedClient:
    """A municipality's administrator registers an application citizens may let read
    their own bookings and registrations."""
    client = OAuthClient(
        municipality=municipality,
        name=name,
        redirect_uris=redirect_uris,
        client_type=client_type,
        created_by=by,
    )
    if not can_manage_oauth_client(by, client):
        raise PermissionDenied
    if not redirect_uris.split():
        raise DomainError(_("Give at least one redirect address."), field="redirect_uris")
    application = _registration(client)
    secret = generate_client_secret()
    application.client_secret = secret  # hashed when saved; shown once
    _checked_registration(application)
    try:
        client.full_clean(exclude=["application"])
    except ValidationError as invalid:
        raise DomainError.from_validation_error(invalid) from None
    application.save()
    client.application = application
    client.save()
    confidential = client_type == OAuthClientType.CONFIDENTIAL
    return CreatedClient(client=client, secret=secret if confidential else "")


@transaction.atomic
def oauth_client_update(
    *, by, client: OAuthClient, name: str, redirect_uris: str, client_type: str
) -> OAuthClient:
    if not can_manage_oauth_client(by, client):
        raise PermissionDenied
    client = OAuthClient.objects.select_for_update().select_related("application").get(pk=client.pk)
    client.name, client.redirect_uris, client.client_type = name, redirect_uris, client_type
    if not redirect_uris.split():
        raise DomainError(_("Give at least one redirect address."), field="redirect_uris")
    application = _registration(client, client.application)
    _checked_registration(application)
    try:
        client.full_clean(exclude=["application"])
    except ValidationError as invalid:
        raise DomainError.from_validation_error(invalid) from None
    application.save()
    client.save()
    return client


@transaction.atomic
def oauth_client_delete(*, by, client: OAuthClient) -> None:
    """The application is unregistered: every token and code given to it stops at once."""
    if not can_manage_oauth_client(by, client):
        raise PermissionDenied
    client.application.delete()  # cascades to the client row, its tokens and grants


def oauth_clients_forget_creator(*, user) -> int:
    """The administrator who registered applications is deleted: they stay the
    municipality's, without a reference to the person."""
    get_application_model().objects.filter(hubportal_client__created_by=user).update(user=None)
    return OAuthClient.objects.filter(created_by=user).update(created_by=None)


@transaction.atomic
def oauth_grants_erase_person(*, user) -> int:
    """The person is deleted: every application they let in loses its tokens and codes."""
    deleted = 0
    for model in (get_refresh_token_model(), get_access_token_model(), get_grant_model()):
        deleted += model.objects.filter(user=user).delete()[0]
    deleted += get_id_token_model().objects.filter(user=user).delete()[0]
    deleted += DeviceGrant.objects.filter(user=user).delete()[0]  # no device flow is served
    get_application_model().objects.filter(user=user).update(user=None)
    return deleted
