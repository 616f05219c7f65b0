"""Start-up from the environment: bad values stop it with one clear line; production is
secure by default (`check --deploy` has nothing to say)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "hubportal.settings.production",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-production-secret-key-9f8e7d6c5b4a3210-abcdefghijklmnopq",
    "DJANGO_ALLOWED_HOSTS": "portal.example.no",
    "DATABASE_URL": "postgresql://hubportal@127.0.0.1:5432/hubportal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUBPORTAL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy__production_defaults__reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be a boolean"),
        ("DJANGO_SECRET_KEY", "", "DJANGO_SECRET_KEY is required but not set"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must be a PostgreSQL URL"),
        ("DATABASE_URL", "", "DATABASE_URL is not set"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be a redis:// URL"),
        ("DJANGO_CONN_MAX_AGE", "a minute", "DJANGO_CONN_MAX_AGE must be an integer"),
        ("OIDC_PROVIDER_ID", "idporten", "OIDC_CLIENT_ID and OIDC_SERVER_URL are required"),
        ("OIDC_ACR_MINIMUM", "idporten-loa-low", "OIDC_ACR_MINIMUM must be one of OIDC_ACR_LEVELS"),
        ("DJANGO_CSP_IMAGE_ORIGINS", "http://bilder.example.no", "must be https origins"),
    ],
)
def test_startup__bad_variable__stops_with_one_line_naming_it(variable, value, message):
    result = manage("check", **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hubportal: configuration error: ")
    assert message in lines[0]


def test_startup__debug_off__secret_key_missing_is_refused_but_debug_on_is_not():
    assert manage("check", DJANGO_SECRET_KEY="").returncode == 2
    result = manage(
        "check",
        DJANGO_SECRET_KEY="",
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="hubportal.settings.local",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_oidc__configured_from_the_environment__offers_the_provider_on_the_login_page():
    db = connection.settings_dict  # the test database: migrated, unlike the portal's own
    script = (
        "from django.test import Client;"
        "from django.test.utils import setup_test_environment;"
        "setup_test_environment();"
        "page = Client().get('/konto/login/').content.decode();"
        "print('ID-porten' in page, '/konto/oidc/idporten/login/' in page)"
    )
    result = manage(
        "shell",
        "--verbosity=0",
        "-c",
        script,
        DJANGO_SETTINGS_MODULE="hubportal.settings.test",
        DATABASE_URL=f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        OIDC_PROVIDER_ID="idporten",
        OIDC_PID_HMAC_KEY="a-key-for-the-national-identity-number",
        OIDC_CLIENT_ID="hubportal-test",
        OIDC_CLIENT_SECRET="secret",
        OIDC_SERVER_URL="https://test.idporten.no",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_beat_schedule__redispatches_waiting_notifications_every_half_minute(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["dispatch-due-notifications"]
    assert schedule["task"] == "hubportal.notifications.tasks.dispatch_due_notifications"
    assert schedule["schedule"] <= 60
