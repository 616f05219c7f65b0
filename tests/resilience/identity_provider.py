"""A small OpenID Connect provider on loopback: real HTTP, a real discovery document, token
and userinfo endpoints, and ways to misbehave per endpoint (answer 500, answer garbage,
answer JSON without what is needed, or hang)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

CLIENT_ID = "hubportal-test-client"
WORKING = "working"
FAILURES = ("500", "garbage", "empty-json", "hang")


class IdentityProvider:
    def __init__(self) -> None:
        self.behaviour: dict[str, str] = {}  # endpoint -> one of FAILURES; WORKING if absent
        self.hang_seconds = 10.0
        self.requests: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider._answer(self)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                provider._answer(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def start(self) -> IdentityProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _documents(self) -> dict[str, dict]:
        return {
            "/.well-known/openid-configuration": {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            },
            "/token": {
                "access_token": uuid.uuid4().hex,
                "token_type": "Bearer",
                "expires_in": 120,
                "id_token": jwt.encode(
                    {
                        "iss": self.url,
                        "aud": CLIENT_ID,
                        "sub": "19089328672",
                        "exp": int(time.time()) + 120,
                        "iat": int(time.time()),
                        "jti": uuid.uuid4().hex,
                    },
                    "not-verified-when-fetched-directly",
                    algorithm="HS256",
                ),
            },
            "/userinfo": {
                "sub": "19089328672",
                "email": "ola.idporten@example.no",
                "email_verified": True,
                "name": "Ola ID-porten",
            },
            "/jwks": {"keys": []},
        }

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        self.requests.append(path)
        behaviour = self.behaviour.get(path, WORKING)
        if behaviour == "hang":
            time.sleep(self.hang_seconds)
            return
        if behaviour == "500":
            self._send(handler, 500, b"<html><body>Server Error</body></html>", "text/html")
        elif behaviour == "garbage":
            self._send(handler, 200, b"\x00\xffnot json at all<", None)
        elif behaviour == "empty-json":
            self._send(handler, 200, b"{}", "application/json")
        else:
            document = self._documents().get(path)
            if document is None:
                self._send(handler, 404, b"not found", "text/plain")
            else:
                self._send(handler, 200, json.dumps(document).encode(), "application/json")

    @staticmethod
    def _send(handler, status: int, body: bytes, content_type: str | None) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
