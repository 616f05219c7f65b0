"""Fixtures shared by the whole suite. Each app's factories live in tests/<app>/factories.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.support.celery import broker_down


@pytest.fixture(autouse=True)
def _bokmal_default(settings):
    """Tests run with the production language default (Bokmål) unless they say otherwise."""
    settings.LANGUAGE_CODE = "nb"


@pytest.fixture
def dead_broker():
    with broker_down():
        yield


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Every test starts with an empty cache (the page cache lives in it)."""

    cache.clear()
    yield
