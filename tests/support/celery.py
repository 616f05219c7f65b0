"""Helpers for tests that need the Celery broker to be unreachable."""

from __future__ import annotations

import contextlib

DEAD_BROKER_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


@contextlib.contextmanager
def broker_down():
    """Point Celery's producers at a port where no Redis answers, as when Redis is down."""
    from hubportal.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = DEAD_BROKER_URL
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = original
        app.amqp._producer_pool = None
