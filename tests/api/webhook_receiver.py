"""A real HTTP receiver of webhooks on 127.0.0.1 for the tests: it keeps every request
(headers and body as they came) and answers with the statuses it is told, in order
(then 200), optionally after a pause."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from hubportal.core.loopback import LoopbackServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver(LoopbackServer):
    methods = ("POST",)

    def __init__(self, *, statuses=(), delay: float = 0.0) -> None:
        super().__init__()
        self.statuses = list(statuses)
        self.delay = delay
        self.received: list[Received] = []
        self._lock = threading.Lock()

    def answer(self, handler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        with self._lock:
            self.received.append(
                Received(handler.path, {k.lower(): v for k, v in handler.headers.items()}, body)
            )
            status = self.statuses.pop(0) if self.statuses else 200
        if self.delay:
            time.sleep(self.delay)
        self.send_raw(handler, status, b"ok" if status < 300 else b"receiver broke", "text/plain")

    def ids(self) -> list[str]:
        with self._lock:
            return [r.headers["webhook-id"] for r in self.received]
