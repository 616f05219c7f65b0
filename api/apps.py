from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Webhooks: the apps' changes queue messages, and the outbox delivers them through
        # the API's channel handler (hubportal.core.changes, hubportal.notifications.channels).
        from hubportal.core.changes import change_listener
        from hubportal.notifications.channels import ChannelHandler, channel_handler
        from hubportal.notifications.enums import Channel

        from . import services

        change_listener(services.webhooks_enqueue_change)
        channel_handler(
            Channel.WEBHOOK,
            ChannelHandler(send=services.webhook_send, failed=services.webhook_delivery_failed),
        )
