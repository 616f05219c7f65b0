"""API tokens and webhook subscriptions.

API tokens: one per application (a municipality's web site, its app, an integration),
scoped to one municipality, for the staff reads of the API.

Only a digest of the token is stored (SHA-256: the token is 256 random bits, so no slow
hash is needed to make guessing hopeless); the token itself is shown once, when it is
created. A token expires, can be revoked, and is rate-limited per minute."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hubportal.core.changes import ChangeKind
from knutepunkt.models import Municipality


class ApiToken(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("application"),
        max_length=120,
        help_text=_("What uses the token, e.g. the municipality's web site or booking system."),
    )
    prefix = models.CharField(
        _("token begins with"),
        max_length=12,
        editable=False,
        help_text=_("The first characters of the token, to recognise it."),
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=120,
        help_text=_("More requests than this in a minute are refused until the next minute."),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["municipality__name", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requests_per_minute__gte=1, requests_per_minute__lte=10_000),
                name="api_token_rate_limit_in_range",
                violation_error_message=_("Between 1 and 10,000 requests per minute."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, at=None) -> bool:
        return self.expires_at <= (at or timezone.now())

    def is_usable(self, at=None) -> bool:
        return not self.is_revoked and not self.is_expired(at)


class WebhookSubscription(models.Model):
    """A municipality's system that wants to hear of changes: the portal POSTs a signed
    JSON message to its address for each change of the kinds it chose (``api.webhooks``),
    through the outbox. The secret signs the messages; it is shown once, when the
    subscription is made, and kept to sign with (never shown again)."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    name = models.CharField(
        _("receiver"),
        max_length=120,
        help_text=_("What receives the messages, e.g. the municipality's calendar sync."),
    )
    url = models.URLField(
        _("address"),
        max_length=1000,
        help_text=_(
            "The https address the messages are sent to (POST). It may not point to a "
            "private or local network."
        ),
    )
    kinds = ArrayField(
        models.CharField(max_length=40, choices=ChangeKind.choices),
        verbose_name=_("kinds of change"),
    )
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    secret_prefix = models.CharField(
        _("secret begins with"),
        max_length=16,
        editable=False,
        help_text=_("The first characters of the signing secret, to recognise it."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Messages are sent only to an active subscription. One that has failed for "
            "days is made inactive and its owner told; tick it again once the receiver works."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        help_text=_("Told when the subscription is disabled."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(
        _("last delivered"), null=True, blank=True, editable=False
    )
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(
        _("why it was disabled"), max_length=300, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["municipality__name", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kinds__len__gt=0),
                name="api_webhook_has_kinds",
                violation_error_message=_("Choose at least one kind of change."),
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "is_active"], name="api_webhook_active_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.url})"


class WebhookDelivery(models.Model):
    """One message to one subscription: its row in the outbox (``Notification``, channel
    "webhook") carries the body, the attempts, the state and the last error; this row says
    which subscription and which message (the ``webhook-id``, the same on every attempt)."""

    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("outbox message"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="webhook_delivery",
    )
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    message_id = models.CharField(_("message id"), max_length=40)
    kind = models.CharField(_("kind of change"), max_length=40, choices=ChangeKind.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "message_id"], name="api_webhook_message_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.subscription.name}"


class OAuthClientType(models.TextChoices):
    PUBLIC = "public", _("Public: an app on a phone or in a browser (no secret, PKCE)")
    CONFIDENTIAL = "confidential", _("Confidential: a server that can keep a secret")


class OAuthClient(models.Model):
    """An application a municipality registers, so that citizens can let it read their own
    bookings and registrations (``/api/v1/me/…``) with OAuth 2: authorization code with
    PKCE, the citizen's consent on the portal. The OAuth registration itself is
    django-oauth-toolkit's ``Application``, written from this row by ``api.services``."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="oauth_clients",
    )
    name = models.CharField(
        _("application"),
        max_length=120,
        help_text=_(
            "Shown to citizens when they are asked to consent, e.g. “Asker kommune-appen”."
        ),
    )
    redirect_uris = models.TextField(
        _("redirect addresses"),
        help_text=_("The addresses the application receives its code at, one per line (https)."),
    )
    client_type = models.CharField(
        _("kind of application"),
        max_length=20,
        choices=OAuthClientType.choices,
        default=OAuthClientType.PUBLIC,
    )
    application = models.OneToOneField(
        "oauth2_provider.Application",
        verbose_name=_("OAuth registration"),
        on_delete=models.CASCADE,
        editable=False,
        related_name="hubportal_client",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("OAuth application")
        verbose_name_plural = _("OAuth applications")
        ordering = ["municipality__name", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def client_id(self) -> str:
        return self.application.client_id
