"""The fixture world, built once per module and rolled back after it; each test runs in a
savepoint inside it. And the Hypothesis profiles: `ci` (the default, small) and `long`."""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, settings

from .world import build_world

# Hypothesis: a small budget by default so that `make test` stays quick; the long run is one
# environment variable away (HYPOTHESIS_PROFILE=long, see the README).
_shared = {
    "deadline": None,  # a request to a real PostgreSQL varies; time is not what we test
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "database": None,  # no example database in the work tree
}
# In CI the same examples every run (a shared branch is not turned red by a value drawn for
# the first time), and a failure is reported as found (shrinking it can take minutes of
# requests). The long run draws new values each time and shrinks each failure to its
# simplest form; what it finds becomes a regression test (tests/walk/test_*_findings.py).
settings.register_profile(
    "ci", max_examples=8, derandomize=True, phases=[Phase.explicit, Phase.generate], **_shared
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "400")),
    derandomize=False,
    **_shared,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def as_role(client, world, db):
    """as_role(role) -> the test client signed in as that role (or anonymous)."""

    def sign_in(role: str) -> Client:
        browser = Client(raise_request_exception=False)
        if role != "anonymous":
            browser.force_login(world.user(role))
        return browser

    return sign_in
