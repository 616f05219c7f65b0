"""Production settings for the security tests.

`hubportal.settings.production` is loaded in a child process with the variables a real
installation sets; its security settings are applied to the test process, so each request
here meets the middleware, headers and policy of production (over https, as behind the
TLS proxy)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "hubportal.settings.production",
    "DJANGO_SECRET_KEY": "a-long-production-secret-key-9f8e7d6c5b4a3210-abcdefghijklmnopq",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": "postgresql://hubportal@127.0.0.1:5432/hubportal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
# Everything that decides which headers a response gets.
SECURITY_SETTINGS = [
    "DEBUG",
    "MIDDLEWARE",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
]

_DUMP = f"""
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({{name: getattr(settings, name, None) for name in {SECURITY_SETTINGS!r}}}))
"""


def production_security_settings(**environment: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUBPORTAL_"))}
    done = subprocess.run(
        [sys.executable, "-c", _DUMP],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="session")
def production_values():
    return production_security_settings()


@pytest.fixture
def production(settings, production_values):
    """The test process with production's security settings; returns the request headers
    a TLS-terminating proxy adds."""
    for name, value in production_values.items():
        setattr(settings, name, value)
    return {"HTTP_X_FORWARDED_PROTO": "https"}
