"""API tokens in the admin: municipality administrators create them (the token is shown
once, on the page after saving, and never stored), see when each was last used, and
revoke them. Hub staff do not see them."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hubportal.core.admin import ScopedModelAdmin

from . import services
from .models import ApiToken

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
