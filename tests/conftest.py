"""Fixtures shared by the whole suite. Each app's factories live in tests/<app>/factories.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from frivillighet.fake_register import DELETED, UNITS, FakeEnhetsregisteret
from tests.support.celery import broker_down


@pytest.fixture(autouse=True)
def _bokmal_default(settings):
    """Tests run with the production language default (Bokmål) unless they say otherwise."""
    settings.LANGUAGE_CODE = "nb"


@pytest.fixture(scope="session")
def enhetsregisteret_server():
    """The local stand-in for Enhetsregisteret (real HTTP on loopback), one per process."""
    server = FakeEnhetsregisteret().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def enhetsregisteret(enhetsregisteret_server, settings):
    """Every test asks the stand-in, which starts each test with its demo units working."""
    server = enhetsregisteret_server
    server.behaviour = "working"
    server.requests.clear()
    server.units = {number: dict(unit) for number, unit in UNITS.items()}
    server.deleted = dict(DELETED)
    settings.ENHETSREGISTERET_URL = server.url
    return server


@pytest.fixture
def dead_broker():
    with broker_down():
        yield


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Every test starts with an empty cache (the page cache lives in it)."""

    cache.clear()
    yield
