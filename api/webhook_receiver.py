"""A tiny webhook receiver on this machine, to see signed deliveries while trying the portal:

    .venv/bin/python -m api.webhook_receiver --port 8001 --secret whsec_…

Subscribe ``http://127.0.0.1:8001/`` in the admin (``make run`` allows receivers on this
machine), paste the secret shown after saving, and each delivery is printed with whether
its signature verifies. :func:`verify` is the README's receiver snippet, without the
Standard Webhooks library. It imports no Django."""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import time

from hubportal.core.loopback import LoopbackServer


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> dict:
    """The message, if the Standard Webhooks signature of these headers and body verifies
    with the secret (and its time is within ``tolerance`` seconds); ValueError otherwise."""
    if abs(time.time() - int(headers["webhook-timestamp"])) > tolerance:
        raise ValueError("too old or too new")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in headers["webhook-signature"].split() if "," in s]
    if not any(hmac.compare_digest(expected, sig) for sig in offered):
        raise ValueError("bad signature")
    return json.loads(body)


class PrintingReceiver(LoopbackServer):
    methods = ("POST",)

    def __init__(self, port: int, secret: str) -> None:
        super().__init__(port)
        self.secret = secret

    def answer(self, handler, method: str) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {key.lower(): value for key, value in handler.headers.items()}
        try:
            message = verify(self.secret, headers, body)
            verdict = "signature verified"
        except (KeyError, ValueError) as refused:
            message, verdict = json.loads(body or b"null"), f"NOT VERIFIED ({refused})"
        print(f"\n{headers.get('webhook-id')} {message.get('kind')}: {verdict}", flush=True)
        print(json.dumps(message, ensure_ascii=False, indent=2), flush=True)
        self.send_json(handler, 200 if verdict == "signature verified" else 400, {"ok": True})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--secret", required=True, help="the whsec_… secret shown once")
    arguments = parser.parse_args()
    receiver = PrintingReceiver(arguments.port, arguments.secret)
    print(f"Receiving webhooks at {receiver.url}/ (Ctrl-C stops)", flush=True)
    receiver.serve_until_interrupted()


if __name__ == "__main__":
    main()
