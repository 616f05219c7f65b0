"""An email backend for tests whose messages cross a process boundary (a real Celery
worker): each message becomes a JSON file, and a counter file makes the next sends fail."""

from __future__ import annotations

import json
import smtplib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

FAILURES_FILE = "fail-next-sends"


class JsonFileEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        failures = directory / FAILURES_FILE
        if failures.exists():
            remaining = int(failures.read_text() or 0)
            if remaining > 0:
                failures.write_text(str(remaining - 1))
                raise smtplib.SMTPServerDisconnected("test: mail server unavailable")
        for message in email_messages:
            record = {
                "subject": message.subject,
                "to": message.to,
                "body": message.body,
                "message_id": message.extra_headers.get("Message-ID"),
            }
            (directory / f"{uuid.uuid4().hex}.json").write_text(json.dumps(record))
        return len(email_messages)


def sent_messages(directory: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))]
