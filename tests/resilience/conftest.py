"""Fixtures of the resilience tests: real servers that the tests make fail.

The portal runs as a separate gunicorn process on this test process's database, so the tests
commit their data (transactional tests) and talk to it over HTTP."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.resilience.servers import (
    PortalServer,
    RedisServer,
    database_url,
    portal_environment,
    unique_queue,
)


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory, request):
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="module")
def redis_server(module_dir):
    server = RedisServer(module_dir / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_up(redis_server):
    """Redis is running at the start of the test and again after it, whatever it did."""
    if not redis_server.running:
        redis_server.start()
    redis_server.thaw()
    yield redis_server
    redis_server.thaw()
    if not redis_server.running:
        redis_server.start()


@pytest.fixture(scope="module")
def queue_name():
    return unique_queue()


@pytest.fixture(scope="module")
def test_database_url(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return database_url(connection.settings_dict)


@pytest.fixture(scope="module")
def portal(module_dir, redis_server, test_database_url, queue_name):
    """The portal under gunicorn, on the test database and the test's own Redis."""
    server = PortalServer(
        portal_environment(database=test_database_url, redis=redis_server.url, queue=queue_name),
        log=module_dir / "gunicorn.log",
    )
    server.start()
    yield server
    server.stop()
