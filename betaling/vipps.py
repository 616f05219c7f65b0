"""A client for Vipps MobilePay's ePayment API (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/)
behind a small interface, and the check of Vipps' signed webhooks.

- ``POST /accesstoken/get`` (headers client_id, client_secret, Ocp-Apim-Subscription-Key,
  Merchant-Serial-Number) gives a bearer token, kept until shortly before it expires;
- ``POST /epayment/v1/payments`` creates a payment (amount in øre, WALLET, WEB_REDIRECT,
  our reference, the return address) and answers the address to send the payer to;
- ``GET /epayment/v1/payments/{reference}`` its state and aggregate (authorised,
  captured, refunded, cancelled amounts);
- ``POST …/{reference}/capture``, ``/cancel``, ``/refund`` with ``modificationAmount``.

Every request carries Authorization (Bearer), Ocp-Apim-Subscription-Key,
Merchant-Serial-Number and the Vipps-System-* headers; every one that changes something an
Idempotency-Key, so a retry after a timeout is the same operation, never a second one.
Vipps not answering in time, a connection refused or a 5xx is ``VippsUnavailable``; a 4xx
is ``VippsRefused``. Credentials come from the environment (settings.VIPPS_*).

Webhooks (the Webhooks API) are signed: ``x-ms-content-sha256`` is the base64 SHA-256 of
the body, and ``Authorization`` is
``HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=…``, the base64
HMAC-SHA256, with the webhook's secret, of
``POST\\n{path and query}\\n{x-ms-date};{host};{x-ms-content-sha256}``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol

import requests
from django.conf import settings

from .vipps_signing import content_hash, signature, webhook_is_authentic

__all__ = ["content_hash", "signature", "webhook_is_authentic"]


class VippsError(Exception):
    pass


class VippsUnavailable(VippsError):
    """Vipps did not answer (in time), or answered with a server error."""


class VippsRefused(VippsError):
    """Vipps refused the request (4xx): the reason is in the message."""


@dataclass(frozen=True)
class VippsPayment:
    reference: str
    state: str  # CREATED, AUTHORIZED, ABORTED, EXPIRED, TERMINATED
    amount: int
    authorised: int
    captured: int
    refunded: int
    cancelled: int
    psp_reference: str = ""


class PaymentProvider(Protocol):
    def create_payment(
        self, *, reference: str, amount: int, description: str, return_url: str
    ) -> str: ...
    def get_payment(self, reference: str) -> VippsPayment: ...
    def capture(self, *, reference: str, amount: int, key: str) -> VippsPayment: ...
    def cancel(self, *, reference: str, key: str) -> VippsPayment: ...
    def refund(self, *, reference: str, amount: int, key: str) -> VippsPayment: ...


class VippsClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        subscription_key: str,
        merchant_serial_number: str,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.subscription_key = subscription_key
        self.msn = merchant_serial_number
        self.timeout = timeout
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- transport
    def _common_headers(self) -> dict[str, str]:
        return {
            "Ocp-Apim-Subscription-Key": self.subscription_key,
            "Merchant-Serial-Number": self.msn,
            "Vipps-System-Name": "hubportal",
            "Vipps-System-Version": "1",
            "Vipps-System-Plugin-Name": "hubportal-betaling",
            "Vipps-System-Plugin-Version": "1",
        }

    def _send(self, method: str, path: str, *, headers: dict, json=None) -> dict:
        try:
            response = requests.request(
                method, self.base_url + path, headers=headers, json=json, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise VippsUnavailable(f"{method} {path}: {type(error).__name__}") from error
        if response.status_code >= 500:
            raise VippsUnavailable(f"{method} {path}: HTTP {response.status_code}")
        try:
            body = response.json() if response.content else {}
        except ValueError as error:
            raise VippsUnavailable(f"{method} {path}: not JSON") from error
        if response.status_code >= 400:
            detail = body.get("detail") or body.get("title") if isinstance(body, dict) else ""
            raise VippsRefused(f"{method} {path}: HTTP {response.status_code} {detail or ''}")
        return body

    def access_token(self) -> str:
        with self._lock:
            if self._token and self._token[1] > time.monotonic():
                return self._token[0]
            body = self._send(
                "POST",
                "/accesstoken/get",
                headers={
                    **self._common_headers(),
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
            )
            lifetime = int(body.get("expires_in", 3600))
            self._token = (body["access_token"], time.monotonic() + max(lifetime - 60, 1))
            return self._token[0]

    def _api(self, method: str, path: str, *, json=None, key: str | None = None) -> dict:
        headers = {**self._common_headers(), "Authorization": f"Bearer {self.access_token()}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return self._send(method, path, headers=headers, json=json)

    # ----------------------------------------------------------------- operations
    def create_payment(
        self, *, reference: str, amount: int, description: str, return_url: str
    ) -> str:
        body = self._api(
            "POST",
            "/epayment/v1/payments",
            key=f"create-{reference}",
            json={
                "amount": {"currency": "NOK", "value": amount},
                "paymentMethod": {"type": "WALLET"},
                "reference": reference,
                "returnUrl": return_url,
                "userFlow": "WEB_REDIRECT",
                "paymentDescription": description[:100],
            },
        )
        return body["redirectUrl"]

    def get_payment(self, reference: str) -> VippsPayment:
        return _payment(self._api("GET", f"/epayment/v1/payments/{reference}"))

    def _modify(self, reference: str, action: str, key: str, amount: int | None) -> VippsPayment:
        body = (
            {"modificationAmount": {"currency": "NOK", "value": amount}}
            if amount is not None
            else {}
        )
        self._api("POST", f"/epayment/v1/payments/{reference}/{action}", json=body, key=key)
        return self.get_payment(reference)

    def capture(self, *, reference: str, amount: int, key: str) -> VippsPayment:
        return self._modify(reference, "capture", key, amount)

    def cancel(self, *, reference: str, key: str) -> VippsPayment:
        return self._modify(reference, "cancel", key, None)

    def refund(self, *, reference: str, amount: int, key: str) -> VippsPayment:
        return self._modify(reference, "refund", key, amount)


def _payment(body: dict) -> VippsPayment:
    aggregate = body.get("aggregate") or {}

    def value(name: str) -> int:
        return int((aggregate.get(name) or {}).get("value", 0))

    return VippsPayment(
        reference=body["reference"],
        state=body["state"],
        amount=int(body["amount"]["value"]),
        authorised=value("authorizedAmount"),
        captured=value("capturedAmount"),
        refunded=value("refundedAmount"),
        cancelled=value("cancelledAmount"),
        psp_reference=body.get("pspReference", ""),
    )


def client_from_settings() -> VippsClient:
    return VippsClient(
        base_url=settings.VIPPS_URL,
        client_id=settings.VIPPS_CLIENT_ID,
        client_secret=settings.VIPPS_CLIENT_SECRET,
        subscription_key=settings.VIPPS_SUBSCRIPTION_KEY,
        merchant_serial_number=settings.VIPPS_MERCHANT_SERIAL_NUMBER,
        timeout=settings.VIPPS_TIMEOUT_SECONDS,
    )
