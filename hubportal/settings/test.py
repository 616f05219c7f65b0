"""Settings for the test suite: real PostgreSQL and Redis, fast password hashing."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-for-the-test-suite-only-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_BEHIND_TLS_PROXY", "0")
# The webhook tests' receivers listen on 127.0.0.1 (tests/api/test_webhooks*.py).
os.environ.setdefault("HUBPORTAL_WEBHOOK_ALLOW_LOOPBACK", "1")

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A real Celery worker started by the tests writes its mail as files they can read.
if os.environ.get("HUBPORTAL_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "tests.support.mail.JsonFileEmailBackend"
    EMAIL_FILE_PATH = os.environ["HUBPORTAL_TEST_EMAIL_DIR"]
SMS_BACKEND = "hubportal.notifications.sms.LocmemSmsBackend"
# Never the real register: tests/conftest.py points this at the local stand-in
# (frivillighet/fake_register.py) for the session; until then nothing listens here.
ENHETSREGISTERET_URL = "http://127.0.0.1:9/enhetsregisteret/api"
ENHETSREGISTERET_TIMEOUT_SECONDS = 2
# Never Vipps: tests/conftest.py points this at the local stand-in (betaling/fake_vipps.py).
VIPPS_URL = "http://127.0.0.1:9"
VIPPS_TIMEOUT_SECONDS = 2
# Each test process gets a cache of its own so that tests never see each other's keys (one
# store for both aliases, so that clearing the default cache clears the pages too). A server
# process started by the resilience tests keeps the Redis caches of base.py instead.
if os.environ.get("HUBPORTAL_TEST_REDIS_CACHES") != "1":
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"}
        for alias in ("default", "pages")
    }
