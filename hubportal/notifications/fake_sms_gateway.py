"""A local stand-in for LINK Mobility's SMS REST API (the Common Platform's ``POST /sms/send``),
speaking real HTTP: the tests start it, and `make run` starts it unless an SMS gateway is
configured, so no network and no account are needed. What it receives is what the real
gateway receives (HTTP Basic auth, the JSON message: source, destination, userData,
platformId, platformPartnerId, refId, useDeliveryReport, deliveryReportGates), and it answers
as the gateway does: 200 with ``messageId``, ``resultCode`` 1005 (queued) and ``smsCount``;
401 for wrong credentials; 400 with a result code for a message it refuses. Later it posts a
delivery report to the gate's URL (``--gate name=url``) as LINK's gates do (JSON with refId,
id, resultCode, operator, segments, timestamps), with the gate's HTTP Basic credentials.

What happens to a message depends on the last digits of its destination (test numbers):

======= ==========================================================================
…0000   accepted, then reported undelivered (2104 unknown subscriber)
…1111   refused at once: 400, resultCode 2106 (number error)
…2222   the gateway answers 503 (overloaded) — try again later
…3333   the gateway answers too late (longer than any client's timeout)
…4444   accepted; the delivery report comes after 3 seconds (late)
…5555   accepted; the delivery report is posted twice
else    accepted, then reported delivered (1001) after 0.2 seconds
======= ==========================================================================

Every message is printed (and kept for ``GET /_fake/messages``): under `make run` the
gateway's log is where a developer reads the SMS the portal sent.

It imports no Django: ``python -m hubportal.notifications.fake_sms_gateway --port 8030``.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime

from hubportal.core.loopback import LoopbackServer

REQUIRED = ("source", "destination", "platformId", "platformPartnerId")
DELIVERED, UNKNOWN_SUBSCRIBER, NUMBER_ERROR, QUEUED = 1001, 2104, 2106, 1005


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _segments(text: str) -> int:
    # Enough for the stand-in: the portal counts properly (hubportal.notifications.segments).
    gsm = all(c.isascii() or c in "æøåÆØÅéÉäöÄÖüÜ" for c in text)
    single, multi = (160, 153) if gsm else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // multi)


class FakeLinkMobility(LoopbackServer):
    methods = ("GET", "POST")

    def __init__(
        self,
        port: int = 0,
        *,
        username: str = "hubportal",
        password: str = "fake-sms-password",  # noqa: S107 - a stand-in
        gates: dict[str, tuple[str, str, str]] | None = None,
        echo: bool = False,
    ) -> None:
        """``gates``: gate id → (url, username, password) for delivery reports."""
        self.credentials = _basic(username, password)
        self.gates = dict(gates or {})
        self.echo = echo
        self.messages: list[dict] = []
        self.reports_sent: list[dict] = []
        self.report_delay = 0.2
        self._lock = threading.Lock()
        super().__init__(port)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.reports_sent.clear()

    # --- the API -----------------------------------------------------------------------

    def answer(self, handler, method: str) -> None:
        if method == "GET":
            self._get(handler)
        else:
            self._post(handler)

    def _get(self, handler) -> None:
        if handler.path == "/_fake/messages":
            with self._lock:
                self.send_json(handler, 200, {"messages": list(self.messages)})
        else:
            self.send_json(handler, 404, {"description": "Not found"})

    def _post(self, handler) -> None:
        if handler.path != "/sms/send":
            self.send_json(handler, 404, {"description": "Not found"})
            return
        if handler.headers.get("Authorization") != self.credentials:
            self.send_json(handler, 401, {"description": "Unauthorized"})
            return
        try:
            length = int(handler.headers.get("Content-Length") or 0)
            message = json.loads(handler.rfile.read(length))
            assert isinstance(message, dict)
        except (ValueError, AssertionError):
            self.send_json(handler, 400, {"resultCode": 4003, "description": "Invalid JSON"})
            return
        missing = [name for name in REQUIRED if not message.get(name)]
        if missing:
            self.send_json(
                handler, 400, {"resultCode": 104, "description": f"Missing {', '.join(missing)}"}
            )
            return
        destination = str(message["destination"])
        if not (destination.startswith("+") and destination[1:].isdigit()):
            self.send_json(
                handler, 400, {"resultCode": NUMBER_ERROR, "description": "Number error"}
            )
            return
        ending = destination[-4:]
        if ending == "1111":
            self.send_json(
                handler, 400, {"resultCode": NUMBER_ERROR, "description": "Number error"}
            )
            return
        if ending == "2222":
            self.send_json(handler, 503, {"description": "Service temporarily unavailable"})
            return
        if ending == "3333":
            time.sleep(30)
            return
        text = str(message.get("userData", ""))
        record = {
            "messageId": uuid.uuid4().hex,
            "refId": message.get("refId", ""),
            "source": message["source"],
            "destination": destination,
            "userData": text,
            "smsCount": _segments(text),
            "receivedAt": datetime.now(UTC).isoformat(),
        }
        with self._lock:
            self.messages.append(record)
        if self.echo:
            sys.stdout.write(
                f"--- SMS {record['messageId']} from {record['source']} to {destination} "
                f"({record['smsCount']} segment(s)) ---\n{text}\n---\n"
            )
            sys.stdout.flush()
        self.send_json(
            handler,
            200,
            {
                "messageId": record["messageId"],
                "resultCode": QUEUED,
                "description": "Queued",
                "smsCount": record["smsCount"],
            },
        )
        if message.get("useDeliveryReport"):
            for gate in message.get("deliveryReportGates") or []:
                if gate in self.gates:
                    threading.Thread(
                        target=self._report, args=(gate, record, ending), daemon=True
                    ).start()

    def _report(self, gate: str, record: dict, ending: str) -> None:
        time.sleep(3.0 if ending == "4444" else self.report_delay)
        code = UNKNOWN_SUBSCRIBER if ending == "0000" else DELIVERED
        report = {
            "refId": record["refId"],
            "id": record["messageId"],
            "operator": "no.telenor",
            "sentTimestamp": record["receivedAt"],
            "timestamp": datetime.now(UTC).isoformat(),
            "resultCode": code,
            "operatorResultCode": "0" if code == DELIVERED else "1",
            "segments": record["smsCount"],
        }
        for _ in range(2 if ending == "5555" else 1):
            self.post_report(gate, report)

    def post_report(self, gate: str, report: dict, *, credentials: str | None = None) -> int:
        """Post a delivery report to a gate, as LINK's gate does; returns the HTTP status."""
        url, username, password = self.gates[gate]
        request = urllib.request.Request(  # noqa: S310 - a loopback URL the test gave
            url,
            data=json.dumps(report).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": credentials or _basic(username, password),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        with self._lock:
            self.reports_sent.append({**report, "gate": gate, "status": status})
        return status


def main() -> None:
    parser = argparse.ArgumentParser(description="A local stand-in for LINK Mobility's SMS API")
    parser.add_argument("--port", type=int, default=8030)
    parser.add_argument("--username", default="hubportal")
    parser.add_argument("--password", default="fake-sms-password")
    parser.add_argument(
        "--gate",
        action="append",
        default=[],
        help="a delivery report gate: id=url,username,password",
    )
    arguments = parser.parse_args()
    gates = {}
    for spec in arguments.gate:
        gate, _, rest = spec.partition("=")
        url, username, password = rest.split(",", 2)
        gates[gate] = (url, username, password)
    gateway = FakeLinkMobility(
        port=arguments.port,
        username=arguments.username,
        password=arguments.password,
        gates=gates,
        echo=True,
    )
    print(f"fake LINK Mobility SMS gateway on {gateway.url}", flush=True)
    gateway.serve_until_interrupted()


if __name__ == "__main__":
    main()
