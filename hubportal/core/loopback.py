"""A real HTTP server on 127.0.0.1 in a thread of its own: the scaffolding of the local
stand-ins for the services the portal talks to (Enhetsregisteret, LINK Mobility's SMS API,
Nuki's Web API), so that each of them only says how it answers. It imports no Django."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    """Subclasses list the HTTP ``methods`` they answer and implement ``answer``."""

    methods: tuple[str, ...] = ("GET",)

    def __init__(self, port: int = 0) -> None:
        stand_in = self

        def handle(method: str):
            return lambda handler: stand_in.answer(handler, method)

        handler = type(
            "Handler",
            (BaseHTTPRequestHandler,),
            {
                **{f"do_{method}": handle(method) for method in self.methods},
                "log_message": lambda handler, *args: None,
            },
        )
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def serve_until_interrupted(self) -> None:
        try:
            self.server.serve_forever()
        except KeyboardInterrupt:
            self.server.server_close()

    def answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        raise NotImplementedError

    @staticmethod
    def send_raw(handler, status: int, body: bytes, content_type: str | None) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @classmethod
    def send_json(cls, handler, status: int, document) -> None:
        """``document`` as JSON, or an empty body when it is None (a 204)."""
        if document is None:
            cls.send_raw(handler, status, b"", None)
        else:
            body = json.dumps(document, ensure_ascii=False).encode()
            cls.send_raw(handler, status, body, "application/json")
