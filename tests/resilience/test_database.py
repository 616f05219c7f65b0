"""PostgreSQL drops the portal's connection (pg_terminate_backend from a second connection, as
a restart, a failover or an administrator would) while gunicorn holds it open between
requests (CONN_MAX_AGE=60), and while a request is using it.

Between requests, the next request must not notice (CONN_HEALTH_CHECKS). A request whose
connection dies gets a clear page that says to try again (503), and the next one is fine."""

from __future__ import annotations

import threading

import psycopg
import pytest
from allauth.account.models import EmailAddress

from tests.knutepunkt.factories import UserFactory
from tests.resilience.servers import Browser, PortalServer, portal_environment, wait_until

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

APPLICATION = "hubportal-resilience-web"


@pytest.fixture(scope="module")
def named_portal(module_dir, redis_server, test_database_url, queue_name):
    """The portal under gunicorn, its database connections named so the test can find them."""
    server = PortalServer(
        portal_environment(
            database=f"{test_database_url}?application_name={APPLICATION}",
            redis=redis_server.url,
            queue=queue_name,
        ),
        log=module_dir / "gunicorn-named.log",
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def second_connection(test_database_url):
    with psycopg.connect(test_database_url, autocommit=True) as connection:
        yield connection


def portal_backends(connection) -> list[tuple[int, str]]:
    return connection.execute(
        "SELECT pid, wait_event_type FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name = %s",
        [APPLICATION],
    ).fetchall()


def terminate(connection, pids) -> None:
    for pid in pids:
        assert connection.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


PASSWORD = "et-langt-passord-2026"
PROFILE = "/konto/profil/"  # never cached: the session and the user come from the database


def reader(portal) -> Browser:
    user = UserFactory(full_name="Kari Holmen", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    browser = Browser(portal.url)
    assert browser.login(user.email, PASSWORD).status_code == 302
    return browser


def test_connection_terminated_between_requests__next_request_is_fine(
    named_portal, second_connection
):
    browser = reader(named_portal)
    assert browser.get(PROFILE).status_code == 200
    before = [pid for pid, _wait in portal_backends(second_connection)]
    assert len(before) == 1  # one persistent connection, kept between requests
    terminate(second_connection, before)
    for _ in range(3):
        response = browser.get(PROFILE)
        assert response.status_code == 200, named_portal.log_tail()
        assert "Kari Holmen" in response.text
    after = [pid for pid, _wait in portal_backends(second_connection)]
    assert len(after) == 1 and after != before  # reconnected once, and kept again
    assert browser.get("/healthz").json()["database"] == "ok"


def test_connection_terminated_during_a_request__clear_page_then_the_next_is_fine(
    named_portal, second_connection, test_database_url
):
    browser = reader(named_portal)
    assert browser.get(PROFILE).status_code == 200
    responses = []
    with psycopg.connect(test_database_url) as locker:
        # Hold the sessions table, so the next request waits for it inside PostgreSQL.
        locker.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
        request = threading.Thread(target=lambda: responses.append(browser.get(PROFILE)))
        request.start()
        assert wait_until(
            lambda: any(wait == "Lock" for _pid, wait in portal_backends(second_connection))
        ), named_portal.log_tail()
        terminate(second_connection, [pid for pid, _wait in portal_backends(second_connection)])
        request.join(timeout=30)
        locker.rollback()
    (response,) = responses
    assert response.status_code == 503, (response.status_code, named_portal.log_tail())
    assert response.headers["Retry-After"]
    assert '<html lang="nb"' in response.text and "<h1>" in response.text
    assert "Prøv igjen om litt" in response.text
    following = browser.get(PROFILE)
    assert following.status_code == 200 and "Kari Holmen" in following.text
