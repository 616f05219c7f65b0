"""API tokens and webhook subscriptions in the admin: municipality administrators create
them (the token or signing secret is shown once, on the page after saving), see when each
was last used, and revoke or switch them off; they read their webhooks' deliveries and
send failed ones again. Hub staff see none of it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from hubportal.core.admin import ScopedModelAdmin
from hubportal.notifications.services import notification_retry

from . import services
from .models import ApiToken, OAuthClient, WebhookDelivery, WebhookSubscription
from .permissions import can_resend_webhook

EDITABLE_ON_CREATION = ["municipality", "name", "expires_at", "requests_per_minute"]
SHOWN = [
    "municipality",
    "name",
    "prefix",
    "state",
    "created_by",
    "created_at",
    "expires_at",
    "revoked_at",
    "last_used_at",
    "requests_per_minute",
]


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedModelAdmin):
    list_display = ["name", "municipality", "prefix", "state", "expires_at", "last_used_at"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name", "prefix"]
    actions = ["revoke_tokens"]

    def get_fields(self, request, obj=None):
        return EDITABLE_ON_CREATION if obj is None else SHOWN

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else SHOWN

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + timedelta(days=365)}

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the record of who had access stays

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.is_revoked:
            return _("Revoked")
        if obj.is_expired():
            return _("Expired")
        return _("Active")

    def save_object(self, request, obj, form, change):
        if change:
            return  # nothing of a saved token can be changed; it can be revoked
        created = services.api_token_create(
            by=request.user,
            municipality=obj.municipality,
            name=obj.name,
            expires_at=obj.expires_at,
            requests_per_minute=obj.requests_per_minute,
        )
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created.token, field.attname))
        obj._state.adding = False
        obj.shown_once = created.secret

    def response_add(self, request, obj, post_url_continue=None):
        """The token, once: the page after saving shows it; it is stored nowhere."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy the token now"),
            "opts": self.model._meta,
            "token": obj,
            "secret": getattr(obj, "shown_once", ""),
        }
        return TemplateResponse(request, "admin/api/apitoken/created.html", context)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(by=request.user, token=token)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", revoked) % {"n": revoked},
            messages.SUCCESS,
        )


SUBSCRIPTION_SHOWN = [
    "secret_prefix",
    "owner",
    "created_at",
    "last_success_at",
    "failing_since",
    "disabled_at",
    "disabled_reason",
]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ScopedModelAdmin):
    """Municipality administrators subscribe their systems' addresses to kinds of change;
    the signing secret is shown once, on the page after saving. Hub staff do not see them."""

    list_display = ["name", "municipality", "url", "is_active", "last_success_at", "failing_since"]
    list_filter = ["municipality", "is_active"]
    list_select_related = ["municipality"]
    search_fields = ["name", "url"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["municipality", "name", "url", "kinds"]
        return ["municipality", "name", "url", "kinds", "is_active", *SUBSCRIPTION_SHOWN]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["municipality", *SUBSCRIPTION_SHOWN]

    def has_delete_permission(self, request, obj=None):
        return False  # switched off, not deleted: its deliveries stay to be read

    def save_object(self, request, obj, form, change):
        if change:
            services.webhook_subscription_update(
                by=request.user,
                subscription=obj,
                name=obj.name,
                url=obj.url,
                kinds=obj.kinds,
                is_active=obj.is_active,
            )
            return
        created = services.webhook_subscription_create(
            by=request.user,
            municipality=obj.municipality,
            name=obj.name,
            url=obj.url,
            kinds=obj.kinds,
        )
        for field in WebhookSubscription._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created.subscription, field.attname))
        obj._state.adding = False
        obj.shown_once = created.secret

    def response_add(self, request, obj, post_url_continue=None):
        """The signing secret, once: the page after saving shows it."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy the signing secret now"),
            "opts": self.model._meta,
            "subscription": obj,
            "secret": getattr(obj, "shown_once", ""),
        }
        return TemplateResponse(request, "admin/api/webhooksubscription/created.html", context)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ScopedModelAdmin):
    """What was sent to each subscription, from the outbox: its state, attempts and the
    receiver's last answer; failed messages can be sent again (the outbox's own retry)."""

    list_display = ["created_at", "kind", "subscription", "status", "attempts", "sent_at"]
    list_filter = ["kind", "notification__status", "subscription__municipality"]
    list_select_related = ["subscription__municipality", "notification"]
    search_fields = ["message_id", "subscription__name"]
    actions = ["send_again"]
    fields = readonly_fields = [
        "subscription",
        "kind",
        "message_id",
        "created_at",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "body",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"), ordering="notification__status")
    def status(self, obj):
        return obj.notification.get_status_display()

    @admin.display(description=_("attempts"))
    def attempts(self, obj):
        return obj.notification.attempts

    @admin.display(description=_("next attempt"))
    def next_attempt_at(self, obj):
        return obj.notification.next_attempt_at

    @admin.display(description=_("sent at"))
    def sent_at(self, obj):
        return obj.notification.sent_at

    @admin.display(description=_("last error"))
    def last_error(self, obj):
        return obj.notification.last_error

    @admin.display(description=_("message"))
    def body(self, obj):
        return obj.notification.body_text

    @admin.action(description=_("Send the selected failed messages again"), permissions=["change"])
    def send_again(self, request, queryset):
        sent = 0
        for delivery in queryset.select_related("notification", "subscription"):
            if not can_resend_webhook(request.user, delivery):
                raise PermissionDenied
            sent += notification_retry(notification=delivery.notification)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", sent)
            % {"count": sent},
            messages.SUCCESS if sent else messages.WARNING,
        )


# django-oauth-toolkit's own admin pages show every application and token of every
# municipality; the portal's scoped one below replaces them.
for model in (
    get_application_model(),
    get_access_token_model(),
    get_grant_model(),
    get_id_token_model(),
    get_refresh_token_model(),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(OAuthClient)
class OAuthClientAdmin(ScopedModelAdmin):
    """Applications citizens may let read their own bookings and registrations (OAuth 2),
    registered by the municipality's administrators: the client id (and a confidential
    application's secret, once) on the page after saving."""

    list_display = ["name", "municipality", "client_type", "client_id", "created_at"]
    list_filter = ["municipality", "client_type"]
    list_select_related = ["municipality", "application"]
    search_fields = ["name"]

    def get_fields(self, request, obj=None):
        fields = ["municipality", "name", "redirect_uris", "client_type"]
        return fields if obj is None else [*fields, "client_id", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["municipality", "client_id", "created_by", "created_at"]

    @admin.display(description=_("client id"))
    def client_id(self, obj):
        return obj.application.client_id

    def save_object(self, request, obj, form, change):
        fields = {
            "name": obj.name,
            "redirect_uris": obj.redirect_uris,
            "client_type": obj.client_type,
        }
        if change:
            services.oauth_client_update(by=request.user, client=obj, **fields)
            return
        created = services.oauth_client_create(
            by=request.user, municipality=obj.municipality, **fields
        )
        for field in OAuthClient._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created.client, field.attname))
        obj._state.adding = False
        obj.shown_once = created.secret

    def delete_object(self, request, obj):
        services.oauth_client_delete(by=request.user, client=obj)

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("The application is registered"),
            "opts": self.model._meta,
            "client": obj,
            "client_id": obj.application.client_id,
            "secret": getattr(obj, "shown_once", ""),
        }
        return TemplateResponse(request, "admin/api/oauthclient/created.html", context)
