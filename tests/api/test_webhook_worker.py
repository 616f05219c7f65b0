"""Webhooks delivered by a real Celery worker on the real Redis broker to a real receiver on
loopback, and the worker killed (SIGKILL) in the middle: after a new worker and the
dispatcher, every message has reached the receiver, and no message reached it as two
different ones (a copy, if the kill fell between the receiver's answer and the commit,
carries the same webhook-id and the same bytes, so a receiver that drops an id it has seen
takes each change exactly once)."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from standardwebhooks import Webhook

from api import services
from api.models import WebhookDelivery
from booking.services import booking_create
from hubportal.celery import app
from hubportal.core.changes import ChangeKind
from hubportal.notifications import services as outbox
from hubportal.notifications.enums import Channel, Status
from hubportal.notifications.models import Notification
from tests.api.webhook_receiver import WebhookReceiver
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import (
    DistrictFactory,
    HubFactory,
    MunicipalityFactory,
    UserFactory,
    municipality_admin,
    weekday_hours,
)
from tests.support.celery import start_worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]

BOOKINGS = 24


@pytest.fixture
def queue():
    name = f"hubportal-test-{uuid.uuid4().hex[:12]}"
    original = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = original


def wait_for(predicate, timeout=60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def pending() -> int:
    return Notification.objects.filter(channel=Channel.WEBHOOK, status=Status.PENDING).count()


def test_worker_killed_mid_delivery__none_lost_none_taken_twice(queue, tmp_path):
    municipality = MunicipalityFactory(name="Asker", slug="asker")
    hub = HubFactory(district=DistrictFactory(municipality=municipality))
    weekday_hours(hub)
    room = ResourceFactory(hub=hub, name="Møterom", max_active_per_booker=BOOKINGS)
    receiver = WebhookReceiver(delay=0.15).start()  # answers after a pause: kills land mid-send
    worker = None
    try:
        created = services.webhook_subscription_create(
            by=municipality_admin(municipality),
            municipality=municipality,
            name="Kalendersynk",
            url=f"{receiver.url}/hook",
            kinds=[ChangeKind.BOOKING_CREATED],
        )
        worker = start_worker(
            queue=queue,
            log=tmp_path / "worker-1.log",
            environment={"HUBPORTAL_NOTIFICATION_BACKOFF_SECONDS": "1"},
        )
        booker = UserFactory(email="leier@example.no")
        first = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        first += timedelta(days=2)
        for n in range(BOOKINGS):  # each its own committed transaction, handed over on commit
            start = first + timedelta(days=n // 6, hours=n % 6)
            booking_create(
                booker=booker,
                resource=room,
                times=[(start, start + timedelta(hours=1))],
                purpose=f"Møte {n}",
            )
        expected = set(WebhookDelivery.objects.values_list("message_id", flat=True))
        assert len(expected) == BOOKINGS

        assert wait_for(lambda: len(receiver.received) >= 5, timeout=60)
        worker.kill()  # SIGKILL: no chance to finish or acknowledge anything
        worker.wait(timeout=20)
        assert pending() > 0, "the worker finished before it was killed"

        worker = start_worker(
            queue=queue,
            log=tmp_path / "worker-2.log",
            environment={"HUBPORTAL_NOTIFICATION_BACKOFF_SECONDS": "1"},
        )
        # What celery beat does every 30 s: hand over every pending row the broker does not
        # hold (here at once, instead of after the five minutes of production).
        with override_settings(NOTIFICATION_REDISPATCH_SECONDS=0):
            assert wait_for(lambda: outbox.notification_dispatch_due() >= 0 and pending() == 0)

        assert (
            not Notification.objects.filter(channel=Channel.WEBHOOK)
            .exclude(status=Status.SENT)
            .exists()
        )
        received = Counter(receiver.ids())
        assert set(received) == expected  # none lost
        bodies: dict[str, set[bytes]] = {}
        for request in receiver.received:
            Webhook(created.secret).verify(request.body, request.headers)
            bodies.setdefault(request.headers["webhook-id"], set()).add(request.body)
        assert all(len(copies) == 1 for copies in bodies.values())  # a copy is the same message
        copies = sum(received.values()) - len(received)
        assert copies <= 1, f"{copies} copies: only the message in flight may come twice"
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
        receiver.stop()
