from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


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


class MessageKind(models.TextChoices):
    """Kinds of message a person may choose to get by SMS as well as (or instead of) email.
    Everything else goes by email only."""

    REMINDER = "reminder", _("Reminders before a booking, an event or a shift")
    CHANGE = "change", _("A booking, event or shift changed or cancelled by the hub")
    PLACE = "place", _("A place became free for you (waiting list)")
    DOOR_CODE = "door_code", _("Door codes for self-service use of a room")


class ChannelChoice(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    BOTH = "both", _("Both email and SMS")

    def channels(self) -> list[str]:
        return {
            self.EMAIL: [Channel.EMAIL],
            self.SMS: [Channel.SMS],
            self.BOTH: [Channel.EMAIL, Channel.SMS],
        }[self]


class DeliveryStatus(models.TextChoices):
    """What the SMS gateway's delivery report said (email has none)."""

    UNKNOWN = "", _("No report")
    QUEUED = "queued", _("Accepted by the gateway")
    DELIVERED = "delivered", _("Delivered to the phone")
    UNDELIVERED = "undelivered", _("Not delivered")
    EXPIRED = "expired", _("Expired before it reached the phone")
