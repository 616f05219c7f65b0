from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def retryable(cls) -> set[str]:
        """Staff may send these again from the admin."""
        return {cls.FAILED, cls.CANCELLED}

    @classmethod
    def open(cls) -> set[str]:
        """Still to be delivered: may be rescheduled or cancelled."""
        return {cls.PENDING}
