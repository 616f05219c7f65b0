"""SMS delivery behind a small interface; the backend is chosen by HUBPORTAL_SMS_BACKEND."""

from __future__ import annotations

import sys
import threading

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend:
    """Send one text message. Raise an exception when the provider refuses it."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Writes messages to standard output: for development and demos."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        sys.stdout.write(f"--- SMS {reference} to {to} ---\n{text}\n---\n")
        sys.stdout.flush()


class LocmemSmsBackend(SmsBackend):
    """Keeps messages in memory (``LocmemSmsBackend.outbox``), for tests."""

    outbox: list[dict[str, str]] = []
    _lock = threading.Lock()

    def send(self, *, to: str, text: str, reference: str) -> None:
        with self._lock:
            self.outbox.append({"to": to, "text": text, "reference": reference})


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
