"""A local stand-in for Nuki's Web API (the part the portal uses), speaking real HTTP:
``PUT /smartlock/{id}/auth`` (204), ``GET /smartlock/{id}/auth`` (the authorisations),
``DELETE /smartlock/{id}/auth/{authId}`` (204, 404 when unknown), Bearer token checked
(401). ``behaviour = "500"`` makes every call fail; ``stop()`` takes it away entirely."""

from __future__ import annotations

import itertools
import json
import re

from hubportal.core.loopback import LoopbackServer

AUTHS = re.compile(r"^/smartlock/(?P<lock>\d+)/auth(?:/(?P<auth>\d+))?$")


class FakeNuki(LoopbackServer):
    methods = ("PUT", "GET", "DELETE")

    def __init__(self, token: str = "nuki-test-token") -> None:
        self.token = token
        self.behaviour = "working"
        self.auths: dict[str, dict[int, dict]] = {}
        self.requests: list[tuple[str, str]] = []
        self._ids = itertools.count(1000)
        super().__init__()

    def codes(self, lock: str) -> list[int]:
        return sorted(a["code"] for a in self.auths.get(lock, {}).values())

    def answer(self, handler, method: str) -> None:
        self.requests.append((method, handler.path))
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self.send_json(handler, 401, {"detailMessage": "Unauthorized"})
        if self.behaviour == "500":
            return self.send_json(handler, 500, {"detailMessage": "Internal error"})
        match = AUTHS.match(handler.path)
        if match is None:
            return self.send_json(handler, 404, {"detailMessage": "Not found"})
        auths = self.auths.setdefault(match["lock"], {})
        if method == "PUT" and match["auth"] is None:
            length = int(handler.headers.get("Content-Length") or 0)
            body = json.loads(handler.rfile.read(length))
            code = body.get("code")
            if body.get("type") != 13 or not re.fullmatch(r"[1-9]{6}", str(code)):
                return self.send_json(handler, 400, {"detailMessage": "Bad parameter"})
            if str(code).startswith("12"):
                return self.send_json(handler, 400, {"detailMessage": "Bad parameter"})
            auth_id = next(self._ids)
            auths[auth_id] = {**body, "id": auth_id, "smartlockId": int(match["lock"])}
            return self.send_json(handler, 204, None)
        if method == "GET" and match["auth"] is None:
            return self.send_json(handler, 200, list(auths.values()))
        if method == "DELETE" and match["auth"] is not None:
            if auths.pop(int(match["auth"]), None) is None:
                return self.send_json(handler, 404, {"detailMessage": "Not found"})
            return self.send_json(handler, 204, None)
        return self.send_json(handler, 405, {"detailMessage": "Method not allowed"})
