"""The one write path for notifications.

A feature calls ``notification_enqueue`` inside its own transaction; the row is the promise
to deliver. After commit a Celery task is asked to deliver it; if the broker is down, or the
worker dies, the beat dispatcher finds the row again. Delivery locks the row, so a task that
runs twice, or two workers at once, send it once.
"""

from __future__ import annotations

import logging
import random
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

# tasks.py imports this module too (thin tasks call services); each only uses the other's
# names inside functions, so either may be imported first.
from . import tasks
from .channels import RefusedForGood, handler_for
from .enums import Channel, ChannelChoice, DeliveryStatus, MessageKind, Status
from .models import MessagePreference, Notification
from .selectors import message_channels, notifications_to_person
from .sms import SmsRefused, get_sms_backend, notification_id_from_reference, sms_reference

logger = logging.getLogger(__name__)

# Delay before attempt n+1 (base 30 s): 30 s, 2 min, 8 min, 32 min, ~2 h, plus jitter.
BACKOFF_FACTOR = 4
BACKOFF_MAX_SECONDS = 6 * 3600
# Rows due this soon are handed to the broker at once; later ones wait for the dispatcher.
DISPATCH_HORIZON = timedelta(minutes=2)
DISPATCH_BATCH = 1000
_DISPATCH_LOCK_ID = 0x6875_6270  # "hubp": the dispatcher never runs twice at once


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: str


def _recipient_language(recipient, language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (language, getattr(recipient, "language", None)):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def _render(template: str, context: dict, language: str, channel: str) -> dict[str, str]:
    """Render a message in the recipient's language.

    Templates follow django-allauth's naming, so its account emails use the same path:
    ``<template>_subject.txt``, ``<template>_message.txt``, optional
    ``<template>_message.html``, and ``<template>_sms.txt`` for SMS.
    """
    context = {**context, "site_url": settings.SITE_URL, "language": language}
    with translation.override(language):
        if channel == Channel.SMS:
            text = render_to_string(f"{template}_sms.txt", context).strip()
            return {"subject": "", "body_text": text, "body_html": ""}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body_text = render_to_string(f"{template}_message.txt", context).strip() + "\n"
        try:
            body_html = render_to_string(f"{template}_message.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return {"subject": subject, "body_text": body_text, "body_html": body_html}


def notification_enqueue(
    *,
    template: str,
    context: dict,
    recipient=None,
    to_address: str | None = None,
    channel: str = Channel.EMAIL,
    language: str | None = None,
    send_after: datetime | None = None,
    dedupe_key: str | None = None,
    attachments: list[Attachment] | None = None,
    kind: str | None = None,
) -> Notification | None:
    """Write a message to the outbox in the caller's transaction.

    With a ``dedupe_key`` that is already queued, nothing new is written and the existing
    row is returned (an event handled twice notifies once). Returns None when the recipient
    has no address for the channel.

    With a ``kind`` (MessageKind), the message goes by the channels the recipient chose for
    that kind (email, SMS or both; email without a choice or a mobile number): an SMS is
    rendered from ``<template>_sms.txt`` and keyed ``<dedupe_key>#sms``. The email's row is
    returned, or the SMS's when the person asked for SMS only.
    """
    if kind is not None and recipient is not None and channel == Channel.EMAIL:
        rows = [
            notification_enqueue(
                template=template,
                context=context,
                recipient=recipient,
                to_address=to_address if chosen == Channel.EMAIL else None,
                channel=chosen,
                language=language,
                send_after=send_after,
                dedupe_key=_channel_key(dedupe_key, chosen),
                attachments=attachments if chosen == Channel.EMAIL else None,
            )
            for chosen in message_channels(user=recipient, kind=kind)
        ]
        return next((row for row in rows if row is not None), None)
    if to_address is None and recipient is not None:
        to_address = (
            recipient.email if channel == Channel.EMAIL else getattr(recipient, "phone", "")
        )
    if not to_address:
        return None
    if dedupe_key:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    language = _recipient_language(recipient, language)
    now = timezone.now()
    due = max(send_after or now, now)
    rendered = _render(template, context, language, channel)
    notification = Notification(
        channel=channel,
        recipient=recipient,
        to_address=to_address,
        language=language,
        template=template,
        dedupe_key=dedupe_key,
        send_after=due,
        next_attempt_at=due,
        attachments=[a.__dict__ for a in attachments or []],
        **rendered,
    )
    return _queued(notification)


def _queued(notification: Notification) -> Notification:
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # A concurrent transaction queued the same key first.
        return Notification.objects.get(dedupe_key=notification.dedupe_key)
    _dispatch_on_commit(notification.pk, notification.next_attempt_at)
    return notification


def notification_enqueue_prepared(
    *,
    channel: str,
    to_address: str,
    template: str,
    body_text: str,
    subject: str = "",
    dedupe_key: str | None = None,
    language: str | None = None,
) -> Notification:
    """Write a message that its app has prepared itself (a webhook's JSON body) to the
    outbox in the caller's transaction: no template is rendered; the row is delivered,
    retried, failed and sent again from the admin like every other. With a ``dedupe_key``
    that is already queued, the existing row is returned."""
    if dedupe_key:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    now = timezone.now()
    return _queued(
        Notification(
            channel=channel,
            to_address=to_address,
            language=_recipient_language(None, language),
            template=template,
            subject=subject,
            body_text=body_text,
            dedupe_key=dedupe_key,
            send_after=now,
            next_attempt_at=now,
        )
    )


def _channel_key(dedupe_key: str | None, channel: str) -> str | None:
    """The SMS twin of a message has its own key, so both may be queued, and both are found
    (rescheduled, cancelled) by the email's key."""
    if dedupe_key is None or channel == Channel.EMAIL:
        return dedupe_key
    return f"{dedupe_key}#{channel}"


def _keys(dedupe_key: str) -> list[str]:
    return [dedupe_key, _channel_key(dedupe_key, Channel.SMS)]


def notification_reschedule(
    *, dedupe_key: str, send_after: datetime, context: dict | None = None
) -> Notification | None:
    """Move a pending message (e.g. a reminder whose event moved), and its SMS twin. The old
    time is void: a task already queued for it finds the row not yet due and does nothing.
    Returns the email's row (or the SMS's when there is no email)."""
    moved = [
        _reschedule_one(dedupe_key=key, send_after=send_after, context=context)
        for key in _keys(dedupe_key)
    ]
    return next((row for row in moved if row is not None), None)


def _reschedule_one(
    *, dedupe_key: str, send_after: datetime, context: dict | None
) -> Notification | None:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(dedupe_key=dedupe_key, status=Status.PENDING)
            .first()
        )
        if notification is None:
            return None
        now = timezone.now()
        due = max(send_after, now)
        notification.send_after = notification.next_attempt_at = due
        notification.dispatched_at = None
        fields = ["send_after", "next_attempt_at", "dispatched_at", "updated_at"]
        if context is not None:
            notification.__dict__.update(
                _render(notification.template, context, notification.language, notification.channel)
            )
            fields += ["subject", "body_text", "body_html"]
        notification.save(update_fields=fields)
        _dispatch_on_commit(notification.pk, due)
    return notification


def notification_cancel(*, dedupe_key: str) -> bool:
    """Cancel a message that has not been sent (e.g. the reminder for a cancelled event)."""
    updated = Notification.objects.filter(
        dedupe_key__in=_keys(dedupe_key), status=Status.PENDING
    ).update(status=Status.CANCELLED, updated_at=timezone.now())
    return bool(updated)


def notification_retry(*, notification: Notification) -> bool:
    """Staff send a failed (or cancelled) message again, from the admin."""
    with transaction.atomic():
        updated = (
            Notification.objects.filter(pk=notification.pk, status__in=Status.retryable())
            .exclude(to_address="")  # erased with its recipient: nobody to send it to
            .update(
                status=Status.PENDING,
                attempts=0,
                last_error="",
                next_attempt_at=timezone.now(),
                dispatched_at=None,
                updated_at=timezone.now(),
            )
        )
        if updated:
            _dispatch_on_commit(notification.pk, timezone.now())
    return bool(updated)


def _dispatch_on_commit(notification_id: int, due: datetime) -> None:
    transaction.on_commit(
        lambda: notification_dispatch_if_soon(notification_id=notification_id, due=due)
    )


def notification_dispatch_if_soon(*, notification_id: int, due: datetime) -> bool:
    """Hand a row to the broker now if it is due soon; later rows wait for the dispatcher
    (long countdowns in a Redis broker outlive its visibility timeout)."""
    if due - timezone.now() > DISPATCH_HORIZON:
        return False
    return _hand_to_broker([notification_id], due=due) == 1


# After the broker failed, this process leaves rows to the dispatcher for this long instead of
# making each request that queues a message wait for the broker's timeout again.
BROKER_RETRY_SECONDS = 15.0
_broker_away_until: dict[str, float] = {}  # broker URL -> time.monotonic()


def _hand_to_broker(notification_ids: list[int], *, due: datetime | None = None) -> int:
    """Ask the worker to deliver. A broker that is down is not an error: the row waits in
    the outbox and the dispatcher hands it over again."""
    broker = tasks.deliver_notification.app.conf.broker_url
    if time.monotonic() < _broker_away_until.get(broker, 0.0):
        logger.info("broker unavailable, %d notification(s) wait", len(notification_ids))
        return 0
    handed = []
    for notification_id in notification_ids:
        countdown = max(0.0, (due - timezone.now()).total_seconds()) if due else 0
        try:
            tasks.deliver_notification.apply_async(
                args=[notification_id], countdown=countdown, retry=False
            )
        except Exception as exc:  # kombu raises several types when Redis is unreachable
            logger.warning("broker unavailable, notification %s waits: %s", notification_id, exc)
            _broker_away_until[broker] = time.monotonic() + BROKER_RETRY_SECONDS
            break
        handed.append(notification_id)
    if handed:
        _broker_away_until.pop(broker, None)
        Notification.objects.filter(pk__in=handed, status=Status.PENDING).update(
            dispatched_at=timezone.now()
        )
    return len(handed)


def redispatch_after() -> timedelta:
    """A row handed to the broker but still pending after this long is handed over again
    (settings.NOTIFICATION_REDISPATCH_SECONDS, 5 minutes unless configured)."""
    return timedelta(seconds=settings.NOTIFICATION_REDISPATCH_SECONDS)


def notification_dispatch_due() -> int:
    """Hand every due, pending row that the broker does not (or no longer) hold to a worker.
    Guarded by an advisory lock, so two beats or a slow run never dispatch in parallel."""
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_DISPATCH_LOCK_ID])
            if not cursor.fetchone()[0]:
                return 0
        due_ids = list(
            Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
            .exclude(dispatched_at__gt=now - redispatch_after())
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:DISPATCH_BATCH]
        )
        return _hand_to_broker(due_ids)


def _backoff(attempts: int) -> timedelta:
    base = settings.NOTIFICATION_BACKOFF_SECONDS
    seconds = min(BACKOFF_MAX_SECONDS, base * BACKOFF_FACTOR ** (attempts - 1))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _send(notification: Notification, mail) -> None:
    handler = handler_for(notification.channel)
    if handler is not None:
        handler.send(notification)
        return
    if notification.channel == Channel.SMS:
        receipt = get_sms_backend().send(
            to=notification.to_address,
            text=notification.body_text,
            reference=sms_reference(notification.pk),
        )
        Notification.objects.filter(pk=notification.pk).update(
            provider_reference=receipt.provider_reference,
            delivery_status=DeliveryStatus.QUEUED,
        )
        return
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_address],
        headers={"Message-ID": notification.message_id},
        connection=mail,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    mail.open()  # opened here, closed by the caller after its commit (not inside send)
    message.send(fail_silently=False)


@dataclass(frozen=True)
class DeliveryResult:
    outcome: str  # "sent", "retry", "failed", "skipped"
    retry_at: datetime | None = None


def notification_deliver(*, notification_id: int) -> DeliveryResult:
    """Send one message if it is pending and due. Idempotent and safe to run concurrently:
    the row is locked while it is sent, and a row that is locked, sent, cancelled or not
    yet due is skipped.

    A worker that dies mid-send must neither lose a message nor send it twice. The row is
    marked sent in the same transaction before the message goes out, and the mail
    connection is closed only after the commit, so the one moment a crash can still send a
    message twice is between the mail server's acceptance and the commit itself. A crash
    before the commit leaves the row pending for the dispatcher: at least once, never lost,
    always with the same Message-ID, by which a receiving system can recognise a copy."""
    mail = get_connection(fail_silently=False)
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(
                    pk=notification_id, status=Status.PENDING, next_attempt_at__lte=timezone.now()
                )
                .first()
            )
            if notification is None:
                return DeliveryResult("skipped")
            notification.attempts += 1
            try:
                with transaction.atomic():  # a savepoint: undone when the send fails
                    now = timezone.now()
                    Notification.objects.filter(pk=notification.pk).update(
                        status=Status.SENT,
                        sent_at=now,
                        attempts=notification.attempts,
                        last_error="",
                        updated_at=now,
                    )
                    _send(notification, mail)
            except Exception as exc:
                return _record_failure(notification, exc)
        return DeliveryResult("sent")
    finally:
        mail.close()


def _refused_for_good(exc: Exception) -> bool:
    """The mail server refused this message with a permanent (5xx) reply: no such
    recipient, or the message itself rejected (RFC 5321, 4.2.1). Sending it again would only
    delay the failure that staff see. Anything else — no connection, a dropped connection, a
    timeout, a 4xx reply (try again later), a refused login or sender, which a corrected
    configuration cures — is retried with backoff."""
    if isinstance(exc, SmsRefused | RefusedForGood):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _record_failure(notification: Notification, exc: Exception) -> DeliveryResult:
    notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if notification.attempts >= notification.max_attempts or _refused_for_good(exc):
        notification.status = Status.FAILED
        result = DeliveryResult("failed")
        logger.error("notification %s failed for good: %s", notification.pk, exc)
    else:
        notification.next_attempt_at = timezone.now() + _backoff(notification.attempts)
        notification.dispatched_at = None
        result = DeliveryResult("retry", notification.next_attempt_at)
    notification.save(
        update_fields=[
            "attempts",
            "last_error",
            "status",
            "next_attempt_at",
            "dispatched_at",
            "updated_at",
        ]
    )
    handler = handler_for(notification.channel)
    if handler is not None and handler.failed is not None:
        handler.failed(notification, exc, result.outcome == "failed")
    return result


@transaction.atomic
def notification_erase_person(*, user, addresses) -> int:
    """The person is deleted: messages not yet sent are cancelled (the worker skips them),
    and every message to them loses its address and its content. What stays is the
    outbox's record that a message of a kind was sent or cancelled at a time (channel,
    template, status, times), with nothing that identifies the person; it is purged with
    every other message after 180 days. Returns the number of messages erased."""
    now = timezone.now()
    messages = notifications_to_person(user=user, addresses=addresses)
    messages.filter(status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.CANCELLED, updated_at=now
    )
    return messages.update(
        recipient=None,
        to_address="",
        subject="",
        body_text="",
        body_html="",
        attachments=[],
        last_error="",
        updated_at=now,
    )


def notification_purge_old(*, older_than: timedelta = timedelta(days=180)) -> int:
    """Personal data is kept no longer than needed: delivered and cancelled messages go."""
    deleted, _ = Notification.objects.filter(
        status__in=[Status.SENT, Status.CANCELLED], updated_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


# LINK Mobility's delivery report result codes: delivered, on the way, or not delivered.
_REPORT_DELIVERED = {1001, 1007, 1008}
_REPORT_ON_THE_WAY = {1000, 1005, 1011, 1012, 1013}
_REPORT_EXPIRED = {1002, 1010}
_FINAL = {DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED, DeliveryStatus.EXPIRED}


class UnknownReport(Exception):
    """A delivery report that names no message of ours (or one that is not an SMS)."""


def notification_record_delivery(*, report: dict) -> Notification:
    """Record what the gateway says became of an SMS. A report may come late, twice or out
    of order: a final state (delivered, not delivered, expired) is never replaced by an
    earlier one, and the same report twice changes nothing."""
    if not isinstance(report, dict):
        raise UnknownReport("the report is not a JSON object")
    notification_id = notification_id_from_reference(report.get("refId", ""))
    if notification_id is None:
        raise UnknownReport("the report's refId is not a reference we sent")
    code = report.get("resultCode")
    if not isinstance(code, int) or isinstance(code, bool):
        raise UnknownReport("the report has no numeric resultCode")
    if code in _REPORT_DELIVERED:
        status = DeliveryStatus.DELIVERED
    elif code in _REPORT_ON_THE_WAY:
        status = DeliveryStatus.QUEUED
    elif code in _REPORT_EXPIRED:
        status = DeliveryStatus.EXPIRED
    else:
        status = DeliveryStatus.UNDELIVERED
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, channel=Channel.SMS)
            .first()
        )
        if notification is None:
            raise UnknownReport("no SMS with that reference")
        if notification.delivery_status in _FINAL and status not in _FINAL:
            return notification
        detail = f"{code} {report.get('operator') or ''}".strip()
        segments = report.get("segments")
        if isinstance(segments, int) and not isinstance(segments, bool):
            detail += f", {segments} segment(s)"
        notification.delivery_status = status
        notification.delivery_detail = detail[:300]
        notification.delivery_reported_at = timezone.now()
        if not notification.provider_reference and report.get("id"):
            notification.provider_reference = str(report["id"])[:100]
        notification.save(
            update_fields=[
                "delivery_status",
                "delivery_detail",
                "delivery_reported_at",
                "provider_reference",
                "updated_at",
            ]
        )
    if status == DeliveryStatus.UNDELIVERED:
        logger.warning("SMS %s was not delivered: %s", notification_id, detail)
    return notification


@transaction.atomic
def message_preferences_save(*, user, choices: dict[str, str]) -> None:
    """A person's channel per kind of message (MessageKind → ChannelChoice)."""
    for kind, channels in choices.items():
        MessageKind(kind)
        ChannelChoice(channels)
        MessagePreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channels": channels}
        )
