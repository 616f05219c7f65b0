"""The outbox: one row per message, written in the transaction of the event that causes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import Channel, ChannelChoice, DeliveryStatus, MessageKind, Status


class Notification(models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    to_address = models.CharField(
        _("to"),
        max_length=1000,
        help_text=_("Email address, phone number or a webhook's address."),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    template = models.CharField(_("template"), max_length=100)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("A list of {filename, mimetype, content} with text content."),
    )
    dedupe_key = models.CharField(  # noqa: DJ001 - NULL means "no key"; keys are unique
        _("deduplication key"),
        max_length=200,
        null=True,
        blank=True,
        help_text=_(
            "Identifies the message in its domain, e.g. the reminder for one registration."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("handed to the worker"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=6)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # SMS only: the gateway's id for the message and what its delivery report said.
    provider_reference = models.CharField(_("gateway's reference"), max_length=100, blank=True)
    delivery_status = models.CharField(
        _("delivery"),
        max_length=12,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.UNKNOWN,
        blank=True,
    )
    delivery_reported_at = models.DateTimeField(_("delivery reported"), null=True, blank=True)
    delivery_detail = models.CharField(_("delivery report"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="notifications_unique_dedupe_key",
                violation_error_message=_("This message has already been queued."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SENT) | Q(sent_at__isnull=False),
                name="notifications_sent_has_sent_at",
            ),
        ]
        indexes = [
            # The dispatcher's scan: pending rows that are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=Status.PENDING),
                name="notifications_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.to_address}: {self.subject or self.template}"

    @property
    def message_id(self) -> str:
        """A stable Message-ID, so that a receiving system can drop a rare duplicate."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">").strip() or "hubportal"
        return f"<notification-{self.pk}@{domain}>"


class MessagePreference(models.Model):
    """How one person wants one kind of message: email (the default, without a row), SMS or
    both. SMS needs the person's mobile number; without one, email is used."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="message_preferences",
    )
    kind = models.CharField(_("kind of message"), max_length=20, choices=MessageKind.choices)
    channels = models.CharField(
        _("sent by"), max_length=10, choices=ChannelChoice.choices, default=ChannelChoice.EMAIL
    )

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notifications_one_preference_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} → {self.get_channels_display()}"
