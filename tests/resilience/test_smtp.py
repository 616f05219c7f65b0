"""A mail server that refuses, drops the connection or hangs, against Django's SMTP backend.

What the reader did (a sign-up, a password reset) succeeds whatever the mail server does:
every message, allauth's own included, is a row in the outbox, written with the action and
delivered by the worker afterwards (here: the delivery service the worker's task calls, in
this process, over real SMTP). A temporary failure is retried with backoff and ends failed
after the attempts; a permanent refusal (5xx) ends failed at once; nothing is sent twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from hubportal.accounts.models import User
from hubportal.notifications.enums import Status
from hubportal.notifications.models import Notification
from hubportal.notifications.services import notification_deliver
from tests.core.test_configuration import manage
from tests.resilience.mail_server import ACCEPT, DROP, REFUSALS, MailServer, SilentServer
from tests.resilience.servers import free_port

pytestmark = [pytest.mark.servers, pytest.mark.django_db]

PASSWORD = "et-langt-passord-2026"
BACKOFF = 30  # seconds before the second attempt (HUBPORTAL_NOTIFICATION_BACKOFF_SECONDS)


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    settings.NOTIFICATION_BACKOFF_SECONDS = BACKOFF
    return settings


@pytest.fixture
def mail_server(smtp_settings):
    server = MailServer().start()
    smtp_settings.EMAIL_PORT = server.port
    yield server
    server.stop()


def sign_up(client, email="ny@example.no"):
    response = client.post(
        "/konto/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert User.objects.filter(email=email).exists()  # the action itself succeeded
    return Notification.objects.get(to_address=email)


def attempt(notification) -> tuple[str, float | None]:
    """One delivery attempt, as the worker's task makes it; then the clock is moved on to the
    time of the next attempt. Returns the outcome and the delay chosen before the next."""
    before = timezone.now()
    outcome = notification_deliver(notification_id=notification.pk).outcome
    notification.refresh_from_db()
    delay = None
    if outcome == "retry":
        delay = (notification.next_attempt_at - before).total_seconds()
        Notification.objects.filter(pk=notification.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
    return outcome, delay


@pytest.mark.parametrize("behaviour", ["451 recipient", "451 message", DROP])
def test_temporary_failure__sign_up_succeeds__retried_with_backoff_then_failed(
    client, mail_server, behaviour
):
    mail_server.behaviour = behaviour
    verification = sign_up(client)
    results = [attempt(verification) for _ in range(verification.max_attempts)]
    outcomes, delays = tuple(r[0] for r in results), [r[1] for r in results]
    assert outcomes == ("retry",) * (verification.max_attempts - 1) + ("failed",)
    assert verification.status == Status.FAILED
    assert verification.attempts == verification.max_attempts
    assert verification.last_error.startswith("SMTP")  # the mail server's answer, for staff
    # Exponential backoff: 30 s, 2 min, 8 min, 32 min, ~2 h (each with ±20 % jitter).
    for number, delay in enumerate(delays[:-1]):
        expected = BACKOFF * 4**number
        assert 0.8 * expected - 1 <= delay <= 1.2 * expected + 1, (number, delay)
    assert mail_server.received == []


@pytest.mark.parametrize("behaviour", ["550 recipient", "554 message"])
def test_permanent_refusal__failed_at_once_with_the_servers_reply(client, mail_server, behaviour):
    mail_server.behaviour = behaviour
    verification = sign_up(client, "finnes.ikke@example.no")
    assert attempt(verification) == ("failed", None)
    assert verification.attempts == 1
    assert REFUSALS[behaviour][1].split()[0] in verification.last_error  # 550 / 554


def test_temporary_failure_then_accepted__delivered_once(client, mail_server):
    mail_server.behaviour = "451 recipient"
    verification = sign_up(client)
    assert attempt(verification)[0] == "retry"
    mail_server.behaviour = ACCEPT
    assert attempt(verification) == ("sent", None)
    assert attempt(verification) == ("skipped", None)  # a duplicate task sends nothing
    assert [m["to"] for m in mail_server.received] == [[verification.to_address]]
    assert verification.message_id in mail_server.received[0]["content"]


def test_hung_mail_server__attempt_gives_up_after_the_timeout(client, smtp_settings):
    silent = SilentServer().start()
    smtp_settings.EMAIL_PORT = silent.port
    try:
        verification = sign_up(client)
        started = time.monotonic()
        assert attempt(verification)[0] == "retry"
        assert time.monotonic() - started < smtp_settings.EMAIL_TIMEOUT + 2
        assert "timed out" in verification.last_error
    finally:
        silent.stop()


def test_password_reset__mail_server_refusing__the_page_says_it_is_sent(client, mail_server):
    """allauth's own mails go through the outbox too: the reset request never talks SMTP."""
    User.objects.create_user("glemsk@example.no", PASSWORD)
    mail_server.behaviour = "451 recipient"
    response = client.post("/konto/password/reset/", {"email": "glemsk@example.no"})
    assert response.status_code == 302 and response["Location"] == "/konto/password/reset/done/"
    assert client.get(response["Location"]).status_code == 200
    reset = Notification.objects.get(to_address="glemsk@example.no")
    assert reset.template == "account/email/password_reset_key"
    assert attempt(reset)[0] == "retry"
    mail_server.behaviour = ACCEPT
    assert attempt(reset)[0] == "sent"


def test_nothing_listening__retried(client, smtp_settings):
    smtp_settings.EMAIL_PORT = free_port()
    verification = sign_up(client)
    assert attempt(verification)[0] == "retry"
    assert "Connection refused" in verification.last_error


@pytest.mark.parametrize(
    ("email_url", "timeout"),
    [("smtp+tls://mail.example.no:587", "20"), ("smtp://mail.example.no:25?timeout=7", "7")],
)
def test_production_settings__a_mail_server_is_never_waited_for_without_end(email_url, timeout):
    """Django's SMTP backend waits for ever by default; the settings give it a limit."""

    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_TIMEOUT)",
        EMAIL_URL=email_url,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == timeout
