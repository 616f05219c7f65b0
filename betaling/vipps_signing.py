"""How Vipps signs a webhook (the Webhooks API's HMAC scheme); no Django, so the local
stand-in (betaling/fake_vipps.py) signs with the very same code the portal checks with."""

from __future__ import annotations

import base64
import hashlib
import hmac


def content_hash(body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def signature(*, secret: str, path_and_query: str, date: str, host: str, body: bytes) -> str:
    """The Authorization header Vipps sends with a webhook (and the fake server signs)."""
    signed = f"POST\n{path_and_query}\n{date};{host};{content_hash(body)}"
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    return (
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="
        + base64.b64encode(digest).decode()
    )


def webhook_is_authentic(
    *, secret: str, path_and_query: str, host: str, headers, body: bytes
) -> bool:
    """Whether a webhook request is Vipps', signed with our webhook's secret."""
    date = headers.get("x-ms-date", "")
    claimed_hash = headers.get("x-ms-content-sha256", "")
    authorization = headers.get("Authorization", "")
    if not (secret and date and claimed_hash and authorization):
        return False
    if not hmac.compare_digest(claimed_hash, content_hash(body)):
        return False
    expected = signature(
        secret=secret, path_and_query=path_and_query, date=date, host=host, body=body
    )
    return hmac.compare_digest(authorization, expected)
