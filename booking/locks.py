"""Door locks behind a small interface: a code is granted to a lock for a time window and
revoked. ``ConsoleLockBackend`` keeps codes in the portal only (they are shown and sent, and
staff enter them in a lock without an API); ``NukiLockBackend`` speaks Nuki's public Web API
(https://api.nuki.io, keypad authorisations of type 13 on a smartlock). The backend for each
lock system is named in settings.LOCK_BACKENDS; the tests point Nuki's at a local stand-in
(tests/booking/fake_nuki.py) that speaks the same HTTP.

No backend writes a code to a log."""

from __future__ import annotations

import logging
from datetime import datetime

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class LockUnavailable(Exception):
    """The lock system did not do what was asked; the next sync tries again."""


class LockBackend:
    def grant(
        self, *, lock, code: str, valid_from: datetime, valid_until: datetime, label: str
    ) -> str:
        """Make ``code`` open ``lock`` in the window; return the lock system's id for it."""
        raise NotImplementedError

    def revoke(self, *, lock, external_id: str) -> None:
        """Make the code stop working. A code the lock system no longer has is revoked."""
        raise NotImplementedError


class ConsoleLockBackend(LockBackend):
    def grant(self, *, lock, code, valid_from, valid_until, label) -> str:
        logger.info("door code for %s granted from %s to %s", lock, valid_from, valid_until)
        return ""

    def revoke(self, *, lock, external_id) -> None:
        logger.info("door code for %s revoked", lock)


class NukiLockBackend(LockBackend):
    """Nuki Web API: ``PUT /smartlock/{id}/auth`` creates a keypad code (answered 204; the
    authorisation's id is then found by its name in ``GET /smartlock/{id}/auth``),
    ``DELETE /smartlock/{id}/auth/{authId}`` removes it. Bearer token from settings."""

    KEYPAD_CODE = 13

    def __init__(self) -> None:
        self.base = settings.NUKI_API_URL.rstrip("/")
        self.headers = {"Authorization": f"Bearer {settings.NUKI_API_TOKEN}"}
        self.timeout = settings.LOCK_TIMEOUT_SECONDS

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = requests.request(
                method, self.base + path, headers=self.headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise LockUnavailable(f"Nuki: {type(exc).__name__}") from None
        return response

    def grant(self, *, lock, code, valid_from, valid_until, label) -> str:
        smartlock = lock.external_id
        body = {
            "name": label,
            "type": self.KEYPAD_CODE,
            "code": int(code),
            "allowedFromDate": valid_from.isoformat(),
            "allowedUntilDate": valid_until.isoformat(),
            "allowedWeekDays": 127,
            "allowedFromTime": 0,
            "allowedUntilTime": 0,
            "remoteAllowed": False,
        }
        response = self._call("PUT", f"/smartlock/{smartlock}/auth", json=body)
        if response.status_code not in (200, 204):
            raise LockUnavailable(f"Nuki: HTTP {response.status_code} creating a keypad code")
        listing = self._call("GET", f"/smartlock/{smartlock}/auth")
        if listing.status_code != 200:
            raise LockUnavailable(f"Nuki: HTTP {listing.status_code} listing authorisations")
        try:
            found = [a for a in listing.json() if a.get("name") == label]
        except (ValueError, AttributeError, TypeError):
            raise LockUnavailable("Nuki: the authorisation list is not JSON") from None
        if not found:
            raise LockUnavailable("Nuki: the new keypad code is not in the list yet")
        return str(found[-1].get("id", ""))

    def revoke(self, *, lock, external_id) -> None:
        if not external_id:
            return
        response = self._call("DELETE", f"/smartlock/{lock.external_id}/auth/{external_id}")
        if response.status_code not in (200, 204, 404):
            raise LockUnavailable(f"Nuki: HTTP {response.status_code} removing a keypad code")


def get_lock_backend(system: str) -> LockBackend:
    return import_string(settings.LOCK_BACKENDS[system])()
