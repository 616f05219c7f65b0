"""Helpers for tests that need the Celery broker to be unreachable."""

from __future__ import annotations

import contextlib

from hubportal.celery import app

DEAD_BROKER_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


@contextlib.contextmanager
def broker_at(url: str, *, queue: str | None = None):
    """Point Celery's producers in this process at another broker (and queue)."""

    def forget_connections():
        # Celery caches a connection pool and a producer pool built from broker_url.
        app._pool = None
        app.amqp._producer_pool = None

    original_url, original_queue = app.conf.broker_url, app.conf.task_default_queue
    app.conf.broker_url = url
    app.conf.task_default_queue = queue or original_queue
    forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_default_queue = original_url, original_queue
        forget_connections()


@contextlib.contextmanager
def broker_down():
    """Point Celery's producers at a port where no Redis answers, as when Redis is down."""
    with broker_at(DEAD_BROKER_URL):
        yield
