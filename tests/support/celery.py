"""Helpers for tests that need the Celery broker to be unreachable."""

from __future__ import annotations

import contextlib

DEAD_BROKER_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


@contextlib.contextmanager
def broker_down():
    """Point Celery's producers at a port where no Redis answers, as when Redis is down."""
    from hubportal.celery import app

    def forget_connections():
        # Celery caches a connection pool and a producer pool built from broker_url.
        app._pool = None
        app.amqp._producer_pool = None

    original = app.conf.broker_url
    app.conf.broker_url = DEAD_BROKER_URL
    forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url = original
        forget_connections()
