"""Redis stopped or frozen under a running portal (gunicorn) — through the real URLs.

Redis is the page cache, the rate limiter's memory and the Celery broker; PostgreSQL holds
everything that matters. While Redis is away: public pages are built afresh, the login works
and stays rate-limited, sessions live on, a booking is made and its messages wait in the
outbox until a worker delivers them after Redis is back, and /healthz says the broker is down.
"""

from __future__ import annotations

import time
from datetime import time as clock
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from booking.models import Booking
from hubportal.notifications.enums import Status
from hubportal.notifications.models import Notification
from hubportal.notifications.services import notification_dispatch_due
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import HubFactory, NewsFactory, UserFactory, weekday_hours
from tests.resilience.servers import Browser, CeleryWorker, portal_environment, wait_until
from tests.support.celery import broker_at
from tests.support.mail import sent_messages

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-passord-2026"
# A request that waited for Redis's timeout more than once would take longer than this.
QUICK = 3.0


@pytest.fixture
def site():
    hub = HubFactory(name="Heggedal knutepunkt")
    weekday_hours(hub, opens=clock(8), closes=clock(22))
    NewsFactory(municipality=hub.district.municipality, title="Nytt bibliotek")
    room = ResourceFactory(hub=hub, name="Møterom Eika")
    return {"hub": hub, "room": room, "municipality": hub.district.municipality}


def public_pages(site) -> list[str]:
    municipality, hub, room = site["municipality"], site["hub"], site["room"]
    return [
        "/",
        f"/{municipality.slug}/",
        f"/{municipality.slug}/{hub.district.slug}/",
        f"/{municipality.slug}/knutepunkt/{hub.slug}/",
        f"/{municipality.slug}/tjenester/",
        f"/{municipality.slug}/arrangementer/",
        f"/rom/{room.pk}/",
        "/rom/",
        "/en/",
        f"/nn/{municipality.slug}/",
    ]


def citizen():
    user = UserFactory(password=PASSWORD)  # an address of its own: rate limits are per address
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def booking_form(start) -> dict:
    local = timezone.localtime(start)
    return {
        "day": local.date().isoformat(),
        "start": local.strftime("%H:%M"),
        "minutes": "120",
        "purpose": "Sjakklubb",
        "attendees": "8",
        "repeat": "none",
    }


def evening(days=2):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )


@pytest.mark.parametrize("failure", ["stop", "freeze"])
def test_redis_away__public_pages_are_built_afresh(portal, redis_up, site, failure):
    anonymous, with_cookies = Browser(portal.url), Browser(portal.url)
    with_cookies.session.cookies.set("hubportal_language", "nb")
    for path in public_pages(site):  # cached while Redis answers
        for reader in (anonymous, with_cookies):
            assert reader.get(path).status_code == 200, path
    getattr(redis_up, failure)()
    # Changed behind the cache's back (no version bump): only a page built afresh shows it.
    site["hub"].__class__.objects.filter(pk=site["hub"].pk).update(name="Heggedal innbyggertorg")
    for path in public_pages(site):
        for reader in (anonymous, with_cookies):
            response, seconds = timed(lambda path=path, reader=reader: reader.get(path))
            assert response.status_code == 200, (path, failure, portal.log_tail())
            assert "<h1" in response.text and "<main" in response.text
            assert seconds < QUICK, (path, seconds)
    district = public_pages(site)[2]
    assert "Heggedal innbyggertorg" in anonymous.get(district).text


def test_redis_frozen_during_an_edit__no_stale_page_after_it_returns(portal, redis_up, site):
    """A booking bumps the page versions; while Redis is frozen the bump cannot be made. The
    cached week view (still in Redis when it thaws) must not be served after Redis is back."""
    user = citizen()
    browser = Browser(portal.url)
    assert browser.login(user.email, PASSWORD).status_code == 302
    start = evening()
    week = f"/rom/{site['room'].pk}/?uke={start.date().isoformat()}"
    reader = Browser(portal.url)
    assert "18:00–20:00" not in reader.get(week).text  # cached: the evening is free
    redis_up.freeze()
    response, seconds = timed(
        lambda: browser.post(f"/rom/{site['room'].pk}/book/", booking_form(start))
    )
    assert response.status_code == 302, portal.log_tail()
    # At most one wait for the frozen broker (2 s socket timeout) and one for the cache (0.5 s).
    assert seconds < 5, seconds
    redis_up.thaw()
    assert Booking.objects.filter(booker=user).exists()
    # The lost bump is made as soon as Redis answers again (within its retry window).
    assert wait_until(lambda: "18:00–20:00" in reader.get(week).text, timeout=10)


def test_redis_stopped__login_works_and_stays_rate_limited(portal, redis_up, site):
    user = citizen()
    redis_up.stop()
    browser = Browser(portal.url)
    assert browser.get("/konto/login/").status_code == 200
    response, seconds = timed(lambda: browser.login(user.email, PASSWORD))
    assert response.status_code == 302 and seconds < QUICK
    assert browser.get("/konto/profil/").status_code == 200  # signed in: the session works

    # Too many wrong passwords are still refused: the limiter counts in process memory.
    attacker = Browser(portal.url)
    for _ in range(5):
        assert attacker.login(user.email, "feil-passord").status_code == 200
    refused = attacker.login(user.email, PASSWORD)
    assert refused.status_code in (200, 429)
    assert "For mange" in refused.text
    assert attacker.get("/konto/profil/").status_code == 302  # not signed in


def test_redis_frozen__signed_in_pages_work_and_a_logout_stays_a_logout(portal, redis_up, site):
    user = citizen()
    browser = Browser(portal.url)
    assert browser.login(user.email, PASSWORD).status_code == 302
    assert browser.get("/konto/profil/").status_code == 200
    redis_up.freeze()
    response, seconds = timed(lambda: browser.get("/konto/profil/"))
    assert response.status_code == 200 and seconds < QUICK
    assert browser.post("/konto/logout/", {}, form_page="/konto/profil/").status_code == 302
    redis_up.thaw()
    # Whatever Redis still holds from before, the session ended in the database.
    assert browser.get("/konto/profil/").status_code == 302


def test_redis_stopped__booking_is_made_and_its_message_delivered_when_redis_returns(
    portal, redis_up, site, module_dir, test_database_url, queue_name
):
    user = citizen()
    browser = Browser(portal.url)
    assert browser.login(user.email, PASSWORD).status_code == 302
    redis_up.stop()
    response, seconds = timed(
        lambda: browser.post(f"/rom/{site['room'].pk}/book/", booking_form(evening()))
    )
    assert response.status_code == 302, portal.log_tail()
    assert seconds < QUICK
    booking = Booking.objects.get(booker=user)
    assert browser.get(booking.get_absolute_url()).status_code == 200
    confirmation = Notification.objects.get(
        recipient=user, template="booking/email/booking_confirmed"
    )
    assert confirmation.status == Status.PENDING and confirmation.dispatched_at is None

    redis_up.start()
    mail_dir = module_dir / "mail"
    worker = CeleryWorker(
        portal_environment(
            database=test_database_url,
            redis=redis_up.url,
            queue=queue_name,
            HUBPORTAL_TEST_EMAIL_DIR=str(mail_dir),
        ),
        log=module_dir / "worker.log",
        queue=queue_name,
    )
    worker.start()
    try:
        with broker_at(redis_up.url, queue=queue_name):
            assert notification_dispatch_due() >= 1  # what celery beat runs every 30 s
        assert wait_until(
            lambda: Notification.objects.get(pk=confirmation.pk).status == Status.SENT, timeout=30
        ), worker.log.read_text()[-3000:]
    finally:
        worker.stop()
    delivered = [m for m in sent_messages(mail_dir) if m["message_id"] == confirmation.message_id]
    assert [m["to"] for m in delivered] == [[user.email]]


@pytest.mark.parametrize("failure", ["stop", "freeze"])
def test_redis_away__healthz_reports_the_broker_down(portal, redis_up, failure):
    browser = Browser(portal.url)
    assert browser.get("/healthz").json()["broker"] == "ok"
    getattr(redis_up, failure)()
    response, seconds = timed(lambda: browser.get("/healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["database"] == "ok"
    assert body["broker"].startswith("error")
    assert seconds < QUICK
