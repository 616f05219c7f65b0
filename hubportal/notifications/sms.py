"""SMS delivery behind a small interface; the backend is chosen by HUBPORTAL_SMS_BACKEND.

``LinkMobilitySmsBackend`` speaks LINK Mobility's SMS REST API (the Common Platform's
``POST /sms/send``), the gateway most Norwegian municipalities reach people through (it
took over PSWinCom, the long-time municipal SMS supplier, and is on the public purchasing
agreements); see README, *SMS*. The tests and `make run` point it at a local stand-in that
speaks the same HTTP (hubportal/notifications/fake_sms_gateway.py).

A delivery report comes back to ``/sms/leveringsrapport/`` (views.py) with the gate's HTTP
Basic credentials, and names its message by the ``refId`` we sent: the notification's id with
an HMAC of it, so a report cannot be made up for a message whose reference it has not seen.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
import threading
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsReceipt:
    """The gateway took the message: its id for it (delivery reports name it)."""

    provider_reference: str = ""
    segments: int = 0


class SmsRefused(Exception):
    """The gateway refused this message and will refuse it again (a number that does not
    exist, text it cannot send): the message fails at once instead of being retried."""


class SmsBackend:
    """Send one text message. Return a receipt; raise SmsRefused when the gateway refuses
    this message for good, any other exception when it may work later."""

    def send(self, *, to: str, text: str, reference: str) -> SmsReceipt:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Writes messages to standard output: for development and demos."""

    def send(self, *, to: str, text: str, reference: str) -> SmsReceipt:
        sys.stdout.write(f"--- SMS {reference} to {to} ---\n{text}\n---\n")
        sys.stdout.flush()
        return SmsReceipt()


class LocmemSmsBackend(SmsBackend):
    """Keeps messages in memory (``LocmemSmsBackend.outbox``), for tests."""

    outbox: list[dict[str, str]] = []
    _lock = threading.Lock()

    def send(self, *, to: str, text: str, reference: str) -> SmsReceipt:
        with self._lock:
            self.outbox.append({"to": to, "text": text, "reference": reference})
        return SmsReceipt(provider_reference=f"locmem-{len(self.outbox)}")


# Result codes of LINK Mobility's API (its "SMS REST API MT/DLR" documentation).
LINK_ACCEPTED = {1000, 1005}  # sent to operator, queued
LINK_PERMANENT = {
    2000, 2002, 2100, 2101, 2102, 2103, 2104, 2105, 2106,  # source/destination refused
    3000, 3001, 4001, 4003, 4005, 4007,  # content the gateway cannot send
}  # fmt: skip


class LinkMobilitySmsBackend(SmsBackend):
    def __init__(self) -> None:
        self.url = settings.SMS_LINK_URL.rstrip("/") + "/sms/send"
        self.auth = (settings.SMS_LINK_USERNAME, settings.SMS_LINK_PASSWORD)
        self.timeout = settings.SMS_TIMEOUT_SECONDS

    def send(self, *, to: str, text: str, reference: str) -> SmsReceipt:
        message = {
            "source": settings.SMS_SENDER,
            "sourceTON": "ALPHANUMERIC",
            "destination": to,
            "destinationTON": "MSISDN",
            "userData": text,
            "platformId": settings.SMS_LINK_PLATFORM_ID,
            "platformPartnerId": settings.SMS_LINK_PLATFORM_PARTNER_ID,
            "refId": reference,
        }
        if settings.SMS_LINK_GATE_ID:
            message["useDeliveryReport"] = True
            message["deliveryReportGates"] = [settings.SMS_LINK_GATE_ID]
        response = requests.post(self.url, json=message, auth=self.auth, timeout=self.timeout)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code = answer.get("resultCode") if isinstance(answer, dict) else None
        description = answer.get("description", "") if isinstance(answer, dict) else ""
        if response.status_code == 200 and code in LINK_ACCEPTED:
            return SmsReceipt(
                provider_reference=str(answer.get("messageId", ""))[:100],
                segments=int(answer.get("smsCount") or 0),
            )
        detail = f"HTTP {response.status_code}, result {code}: {description}".strip()
        if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 429):
            raise SmsRefused(detail)
        if code in LINK_PERMANENT:
            raise SmsRefused(detail)
        # 401/403 (credentials: a configuration fix cures it), 429, 5xx: try again later.
        raise requests.HTTPError(detail, response=response)


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_reference(notification_id: int) -> str:
    """The ``refId`` sent with a message: its id and an HMAC of it."""
    return f"n{notification_id}-{_signature(notification_id)}"


def notification_id_from_reference(reference: str) -> int | None:
    """The notification a delivery report names, or None when the reference is not ours."""
    head, _, signature = str(reference).partition("-")
    if not head.startswith("n") or not head[1:].isdigit() or len(head) > 20:
        return None
    notification_id = int(head[1:])
    if not hmac.compare_digest(signature, _signature(notification_id)):
        return None
    return notification_id


def _signature(notification_id: int) -> str:
    key = (settings.SMS_REFERENCE_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, f"sms:{notification_id}".encode(), hashlib.sha256).hexdigest()[:24]
