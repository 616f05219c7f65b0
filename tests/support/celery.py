"""Helpers for tests that need the Celery broker to be unreachable, or a real worker."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

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


def database_url() -> str:
    """The test database, for a process of its own (a Celery worker)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(*, queue: str, log: Path, environment: dict[str, str]) -> subprocess.Popen:
    """A real `celery worker` process (solo pool) consuming one queue, started and waited
    for until it says it is ready; the caller stops (or kills) it."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hubportal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hubportal.settings.test",
            "DATABASE_URL": database_url(),
            "HUBPORTAL_CELERY_QUEUE": queue,
            **environment,
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return process
