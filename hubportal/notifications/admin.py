from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hubportal.core.admin import CheckedActionsMixin

from . import services
from .enums import Status
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(CheckedActionsMixin, admin.ModelAdmin):
    """The outbox. Visible to superusers and to staff given the notification permissions
    (it holds every recipient's messages); rows are never edited by hand."""

    list_display = [
        "created_at",
        "channel",
        "to_address",
        "subject",
        "status",
        "delivery_status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel", "delivery_status", "language", "template"]
    search_fields = ["to_address", "subject", "dedupe_key"]
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed messages again"), permissions=["change"])
    def retry_selected(self, request, queryset):
        retried = sum(
            services.notification_retry(notification=notification)
            for notification in queryset.filter(status__in=Status.retryable())
        )
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", retried)
            % {"count": retried},
            messages.SUCCESS if retried else messages.WARNING,
        )
