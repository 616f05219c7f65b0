"""Webhooks as the receiver sees them: the JSON message, its signature and the request.

A message follows the Standard Webhooks specification (https://www.standardwebhooks.com),
so a receiver can verify it with that project's libraries (``pip install
standardwebhooks``) or a few lines of its own (README, *Webhooks*):

- ``webhook-id``: the message's id, the same on every attempt (a receiver drops a copy
  it has seen: delivery is at least once);
- ``webhook-timestamp``: the attempt's time, in seconds since 1970 (a receiver refuses
  one far from its own clock, against replays);
- ``webhook-signature``: ``v1,`` and the base64 of HMAC-SHA256, keyed by the secret
  (base64 after ``whsec_``), over ``<webhook-id>.<webhook-timestamp>.<body>``.

The body is the JSON of :class:`api.schemas.WebhookMessage`: ``id``, ``kind``,
``occurred_at``, ``municipality`` and ``data``, the changed object in the API's own
shapes (a booking's times as the staff reads show them, without who booked; an event as
``/api/v1/events/<id>``; a hub's opening hours for the coming 14 days as
``/api/v1/hubs/<id>/opening-hours``; a registration without its person).

The writes (what a change queues, what a delivery's success or failure means for its
subscription) are ``api.services``'; this module builds, signs and sends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import datetime, timedelta

import certifi
import urllib3
from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation

from booking.models import Booking, Occurrence
from hubportal.core.changes import ChangeKind
from innbyggertorg.models import Event, Registration
from knutepunkt.models import Hub, Municipality

from . import schemas, selectors
from .webhook_addresses import Target

SECRET_PREFIX = "whsec_"
HOURS_AHEAD_DAYS = 14
USER_AGENT = "hubportal-webhooks/1 (+https://www.standardwebhooks.com)"
ANSWER_KEPT = 300  # characters of a refusing receiver's answer kept as the last error


class ReceiverFailed(Exception):
    """The receiver did not take the message (no connection, a timeout, not a 2xx)."""


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: ``whsec_`` and 32 random bytes in
    base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(16)


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# --------------------------------------------------------------------------- messages


def _booking_data(booking: Booking) -> dict:
    times = (
        Occurrence.objects.filter(booking=booking, resource=F("booking__resource"))
        .select_related("booking__organisation", "resource")
        .order_by("starts_at", "pk")
    )
    return schemas.WebhookBookingOut(
        booking_id=booking.pk,
        status=booking.status,
        resource_id=booking.resource_id,
        hub_id=booking.resource.hub_id,
        times=[selectors.staff_booking_out(occurrence) for occurrence in times],
    ).model_dump(mode="json")


def _event_data(event: Event) -> dict:
    event = Event.objects.select_related("hub__municipality").get(pk=event.pk)
    return selectors.event_out(event).model_dump(mode="json")


def _hours_data(hub: Hub) -> dict:
    today = timezone.localdate()
    end = today + timedelta(days=HOURS_AHEAD_DAYS - 1)
    return selectors.hubs_hours([hub], today, end, "nb")[0].model_dump(mode="json")


def _registration_data(registration: Registration) -> dict:
    event = Event.objects.select_related("hub__municipality").get(pk=registration.event_id)
    return schemas.WebhookRegistrationOut(
        id=registration.pk,
        status=registration.status,
        event=selectors.event_out(event),
    ).model_dump(mode="json")


_DATA = {
    ChangeKind.BOOKING_CREATED: _booking_data,
    ChangeKind.BOOKING_CHANGED: _booking_data,
    ChangeKind.BOOKING_CANCELLED: _booking_data,
    ChangeKind.EVENT_CHANGED: _event_data,
    ChangeKind.OPENING_HOURS_CHANGED: _hours_data,
    ChangeKind.REGISTRATION_CREATED: _registration_data,
}


def message_data(*, kind: ChangeKind, obj) -> dict:
    """The changed object in the API's shape, in Bokmål (as the API without ``lang``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _DATA[kind](obj)


def message_body(
    *, message_id: str, kind: ChangeKind, occurred_at: datetime, municipality: Municipality, data
) -> str:
    message = schemas.WebhookMessage(
        id=message_id,
        kind=ChangeKind(kind).value,
        occurred_at=timezone.localtime(occurred_at),
        municipality=selectors.municipality_out(municipality),
        data=data,
    )
    return json.dumps(message.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- sending


def post(*, target: Target, secret: str, message_id: str, body: bytes) -> int:
    """POST the message to the checked address, signed now; the receiver's status, or
    ReceiverFailed. Connects to the address that was checked (never resolving the name
    again), sends the name as Host, for TLS's SNI and certificate check; follows no
    redirect (it could lead anywhere)."""
    timestamp = int(time.time())
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host and target.port == default_port:
        host_header = f"[{target.host}]"
    headers = {
        "Host": host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOK_TIMEOUT_SECONDS, read=settings.WEBHOOK_TIMEOUT_SECONDS
    )
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.ip,
            target.port,
            timeout=timeout,
            retries=False,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.ip, target.port, timeout=timeout, retries=False)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers=headers,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            answer = response.read(ANSWER_KEPT, decode_content=False)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        raise ReceiverFailed(f"{type(exc).__name__}: {exc}") from None
    finally:
        pool.close()
    if not 200 <= response.status < 300:
        text = answer.decode("utf-8", "replace").strip()
        raise ReceiverFailed(f"HTTP {response.status}: {text}"[:ANSWER_KEPT])
    return response.status
