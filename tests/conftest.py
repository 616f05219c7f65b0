"""Fixtures shared by the whole suite. Each app's factories live in tests/<app>/factories.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from betaling import fake_vipps
from betaling.fake_vipps import FakeVipps
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


@pytest.fixture(scope="session")
def vipps_server():
    """The local stand-in for Vipps (real HTTP on loopback), one per process."""
    server = FakeVipps().start()
    yield server
    server.stop()


@pytest.fixture
def vipps(vipps_server, settings):
    """Vipps for this test: the stand-in, fresh, with its credentials and webhook secret;
    its webhooks go to the live server when a test sets ``vipps.webhook_url``."""
    server = vipps_server
    server.reset()
    server.webhook_url = ""
    settings.VIPPS_URL = server.url
    settings.VIPPS_CLIENT_ID = fake_vipps.CLIENT_ID
    settings.VIPPS_CLIENT_SECRET = fake_vipps.CLIENT_SECRET
    settings.VIPPS_SUBSCRIPTION_KEY = fake_vipps.SUBSCRIPTION_KEY
    settings.VIPPS_MERCHANT_SERIAL_NUMBER = fake_vipps.MSN
    settings.VIPPS_WEBHOOK_SECRET = fake_vipps.WEBHOOK_SECRET
    return server
