"""A local stand-in for Vipps MobilePay (ePayment API, Access Token API and its webhooks),
speaking real HTTP: the tests start it, and `make run` starts it unless Vipps credentials
are given (HUBPORTAL_VIPPS_CLIENT_ID), so nothing leaves the machine and no money moves.

It answers as Vipps does: ``POST /accesstoken/get`` (checks client_id, client_secret,
Ocp-Apim-Subscription-Key, Merchant-Serial-Number), ``POST /epayment/v1/payments`` (a
repeated Idempotency-Key answers the first answer again; a reference used with another key
is 409), ``GET /epayment/v1/payments/{reference}``, ``…/capture``, ``…/cancel``,
``…/refund`` (never more than authorised, captured), and sends signed webhooks
(``epayments.payment.authorized.v1`` …) to the portal. The payer's page,
``/test-payment/{reference}``, is clearly a **test** page: approve or refuse.

Failure modes (``behaviour``): ``working``; ``500`` (every API call a server error);
``hang`` (no answer before the client's timeout); webhooks: ``webhook`` (``before``: sent
before the payer is redirected, the default; ``after``; ``twice``: delivered twice;
``none``: never).

It imports no Django:
``python -m betaling.fake_vipps --port 8030 --webhook-url … --webhook-secret …``.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import re
import secrets
import threading
import time
import urllib.request
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .vipps_signing import content_hash, signature

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"
SUBSCRIPTION_KEY = "fake-subscription-key"
MSN = "123456"
WEBHOOK_SECRET = "fake-webhook-secret"

PAYMENT = re.compile(
    r"^/epayment/v1/payments/(?P<reference>[^/]+)(?:/(?P<action>capture|cancel|refund))?$"
)
PAGE = re.compile(r"^/test-payment/(?P<reference>[^/]+)$")


class FakeVipps:
    def __init__(
        self,
        port: int = 0,
        *,
        webhook_url: str = "",
        webhook_secret: str = WEBHOOK_SECRET,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        subscription_key: str = SUBSCRIPTION_KEY,
        msn: str = MSN,
    ) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.subscription_key, self.msn = subscription_key, msn
        self.payments: dict[str, dict] = {}
        self.idempotency: dict[tuple[str, str], tuple[int, dict]] = {}
        self.tokens: set[str] = set()
        self.behaviour = "working"  # or "500", "hang"
        self.webhook = "before"  # or "after", "twice", "none"
        self.hang_seconds = 5.0
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.webhooks_sent: list[tuple[str, int]] = []
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake._answer(self, "GET")

            def do_POST(self):
                fake._answer(self, "POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeVipps:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.payments.clear()
            self.idempotency.clear()
            self.webhooks_sent.clear()
            self.requests.clear()
        self.behaviour, self.webhook = "working", "before"

    # ----------------------------------------------------------------- the payer's side
    def approve(self, reference: str) -> dict:
        """What the payer's approval does (also used by tests without a browser)."""
        with self.lock:
            payment = self.payments[reference]
            if payment["state"] == "CREATED":
                payment["state"] = "AUTHORIZED"
                payment["authorized"] = payment["amount"]
        return payment

    def refuse(self, reference: str) -> dict:
        with self.lock:
            payment = self.payments[reference]
            if payment["state"] == "CREATED":
                payment["state"] = "ABORTED"
        return payment

    def webhook_request(self, reference: str, name: str) -> tuple[str, bytes, dict[str, str]]:
        """The webhook Vipps would send now: (url, body, headers), signed."""
        payment = self.payments[reference]
        body = json.dumps(
            {
                "msn": self.msn,
                "reference": reference,
                "pspReference": payment["pspReference"],
                "name": name,
                "amount": {"currency": "NOK", "value": payment["amount"]},
                "timestamp": datetime.now(UTC).isoformat(),
                "idempotencyKey": None,
                "success": True,
            }
        ).encode()
        parts = urlsplit(self.webhook_url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        date = format_datetime(datetime.now(UTC), usegmt=True)
        headers = {
            "Content-Type": "application/json",
            "x-ms-date": date,
            "x-ms-content-sha256": content_hash(body),
            "Authorization": signature(
                secret=self.webhook_secret,
                path_and_query=path,
                date=date,
                host=parts.netloc,
                body=body,
            ),
        }
        return self.webhook_url, body, headers

    def send_webhook(self, reference: str, name: str) -> int:
        if not self.webhook_url:
            return 0
        url, body, headers = self.webhook_request(reference, name)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        self.webhooks_sent.append((name, status))
        return status

    # ----------------------------------------------------------------- HTTP
    def _answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        path = parts.path
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        self.requests.append((method, path))
        page = PAGE.match(path)
        if page:
            self._payer_page(handler, method, page["reference"], raw)
            return
        if self.behaviour == "hang":
            time.sleep(self.hang_seconds)
            return
        if self.behaviour == "500":
            self._send(handler, 500, {"title": "Internal Server Error"})
            return
        if method == "POST" and path == "/accesstoken/get":
            self._token(handler)
            return
        if not self._authorised(handler):
            self._send(handler, 401, {"title": "Unauthorized", "detail": "bad token or keys"})
            return
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            self._send(handler, 400, {"title": "Bad Request", "detail": "not JSON"})
            return
        if method == "POST" and path == "/epayment/v1/payments":
            self._idempotent(handler, path, lambda: self._create(body))
            return
        match = PAYMENT.match(path)
        if match is None or match["reference"] not in self.payments:
            self._send(handler, 404, {"title": "Not Found", "detail": "unknown reference"})
            return
        reference, action = match["reference"], match["action"]
        if method == "GET" and action is None:
            self._send(handler, 200, self._public(self.payments[reference]))
        elif method == "POST" and action:
            self._idempotent(handler, path, lambda: self._modify(reference, action, body))
        else:
            self._send(handler, 405, {"title": "Method Not Allowed"})

    def _token(self, handler) -> None:
        headers = handler.headers
        if (
            headers.get("client_id") != self.client_id
            or headers.get("client_secret") != self.client_secret
            or headers.get("Ocp-Apim-Subscription-Key") != self.subscription_key
            or headers.get("Merchant-Serial-Number") != self.msn
        ):
            self._send(handler, 401, {"error": "invalid_client"})
            return
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        self._send(
            handler, 200, {"token_type": "Bearer", "expires_in": "3600", "access_token": token}
        )

    def _authorised(self, handler) -> bool:
        bearer = handler.headers.get("Authorization", "").removeprefix("Bearer ")
        return (
            bearer in self.tokens
            and handler.headers.get("Ocp-Apim-Subscription-Key") == self.subscription_key
            and handler.headers.get("Merchant-Serial-Number") == self.msn
        )

    def _idempotent(self, handler, path: str, operation) -> None:
        key = handler.headers.get("Idempotency-Key")
        if not key:
            self._send(handler, 400, {"title": "Bad Request", "detail": "Idempotency-Key missing"})
            return
        with self.lock:
            if (path, key) in self.idempotency:
                status, body = self.idempotency[(path, key)]
            else:
                status, body = operation()
                self.idempotency[(path, key)] = (status, body)
        self._send(handler, status, body)

    def _create(self, body: dict) -> tuple[int, dict]:
        reference = body.get("reference", "")
        amount = (body.get("amount") or {}).get("value")
        if not re.fullmatch(r"[A-Za-z0-9-]{8,50}", reference) or not isinstance(amount, int):
            return 400, {"title": "Bad Request", "detail": "reference or amount"}
        if amount < 1:
            return 400, {"title": "Bad Request", "detail": "amount must be positive"}
        if reference in self.payments:
            return 409, {"title": "Conflict", "detail": "reference already used"}
        self.payments[reference] = {
            "reference": reference,
            "amount": amount,
            "state": "CREATED",
            "authorized": 0,
            "captured": 0,
            "refunded": 0,
            "cancelled": 0,
            "returnUrl": body.get("returnUrl", ""),
            "description": body.get("paymentDescription", ""),
            "pspReference": secrets.token_hex(8),
        }
        return 201, {"redirectUrl": f"{self.url}/test-payment/{reference}", "reference": reference}

    def _modify(self, reference: str, action: str, body: dict) -> tuple[int, dict]:
        payment = self.payments[reference]
        amount = ((body or {}).get("modificationAmount") or {}).get("value", 0)
        if action == "capture":
            if payment["state"] != "AUTHORIZED" or not (
                0 < amount <= payment["authorized"] - payment["captured"] - payment["cancelled"]
            ):
                return 400, {"title": "Bad Request", "detail": "cannot capture that amount"}
            payment["captured"] += amount
        elif action == "refund":
            if not 0 < amount <= payment["captured"] - payment["refunded"]:
                return 400, {"title": "Bad Request", "detail": "cannot refund more than captured"}
            payment["refunded"] += amount
        elif action == "cancel":
            if payment["captured"]:
                return 400, {"title": "Bad Request", "detail": "captured: refund instead"}
            payment["cancelled"] = payment["authorized"]
            payment["state"] = "TERMINATED" if payment["state"] != "CREATED" else "ABORTED"
        return 200, self._public(payment)

    def _public(self, payment: dict) -> dict:
        def money(value: int) -> dict:
            return {"currency": "NOK", "value": value}

        return {
            "reference": payment["reference"],
            "state": payment["state"],
            "amount": money(payment["amount"]),
            "aggregate": {
                "authorizedAmount": money(payment["authorized"]),
                "capturedAmount": money(payment["captured"]),
                "refundedAmount": money(payment["refunded"]),
                "cancelledAmount": money(payment["cancelled"]),
            },
            "paymentMethod": {"type": "WALLET"},
            "pspReference": payment["pspReference"],
            "redirectUrl": f"{self.url}/test-payment/{payment['reference']}",
        }

    def _payer_page(self, handler, method: str, reference: str, raw: bytes) -> None:
        payment = self.payments.get(reference)
        if payment is None:
            self._send_html(handler, 404, "<h1>Unknown payment</h1>")
            return
        if method == "GET":
            kroner = f"{payment['amount'] / 100:.2f}".replace(".", ",")
            self._send_html(
                handler,
                200,
                "<h1>TEST – Vipps test payment page</h1>"
                "<p><strong>This is not Vipps. No money moves.</strong> A local stand-in "
                "for trying the portal (Dette er ikke Vipps; ingen penger trekkes).</p>"
                f"<p>{html.escape(payment['description'])}</p><p>NOK {kroner}</p>"
                '<form method="post">'
                '<button name="choice" value="approve">Approve (test)</button> '
                '<button name="choice" value="refuse">Refuse (test)</button></form>',
            )
            return
        choice = parse_qs(raw.decode()).get("choice", [""])[0]
        if choice == "approve":
            self.approve(reference)
            name = "AUTHORIZED"
        else:
            self.refuse(reference)
            name = "ABORTED"
        if self.webhook in ("before", "twice"):
            self.send_webhook(reference, name)
        if self.webhook == "twice":
            self.send_webhook(reference, name)
        if self.webhook == "after":
            threading.Timer(0.5, self.send_webhook, args=(reference, name)).start()
        handler.send_response(302)
        handler.send_header("Location", payment["returnUrl"])
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _send(self, handler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _send_html(self, handler, status: int, body: str) -> None:
        data = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>TEST – Vipps test payment</title></head>"
            '<body style="font-family:sans-serif;max-width:36em;margin:2em auto">'
            f"{body}</body></html>"
        ).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8030)
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--webhook-secret", default=WEBHOOK_SECRET)
    parser.add_argument("--client-id", default=CLIENT_ID)
    parser.add_argument("--client-secret", default=CLIENT_SECRET)
    parser.add_argument("--subscription-key", default=SUBSCRIPTION_KEY)
    parser.add_argument("--msn", default=MSN)
    arguments = parser.parse_args()
    fake = FakeVipps(
        arguments.port,
        webhook_url=arguments.webhook_url,
        webhook_secret=arguments.webhook_secret,
        client_id=arguments.client_id,
        client_secret=arguments.client_secret,
        subscription_key=arguments.subscription_key,
        msn=arguments.msn,
    )
    print(f"fake Vipps (TEST, no money moves) on {fake.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        fake.server.serve_forever()


if __name__ == "__main__":
    main()
