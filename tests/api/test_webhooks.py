"""Webhooks: a change made through an app's service queues a signed message in the outbox,
in the change's own transaction, and the outbox delivers it to a real HTTP receiver on
loopback (retries, failed state, sent again, a subscription disabled after days of failure).
Addresses that are not https, or point to a private or local network, are refused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation
from standardwebhooks import Webhook

from api import services
from api.models import WebhookDelivery, WebhookSubscription
from api.schemas import EventOut, HubHoursOut, WebhookBookingOut, WebhookMessage
from api.webhook_receiver import verify
from booking.services import booking_cancel, booking_create
from hubportal.core.changes import ChangeKind
from hubportal.core.errors import DomainError
from hubportal.notifications.enums import Channel, Status
from hubportal.notifications.models import Notification
from hubportal.notifications.services import notification_deliver, notification_retry
from innbyggertorg.services import event_save, registration_create
from knutepunkt.services import opening_hours_exception_create
from tests.api.webhook_receiver import WebhookReceiver
from tests.knutepunkt.factories import UserFactory, municipality_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def subscribed(api_world, receiver):
    admin = municipality_admin(api_world.municipality)
    created = services.webhook_subscription_create(
        by=admin,
        municipality=api_world.municipality,
        name="Kalendersynk",
        url=f"{receiver.url}/hook?kilde=hubportal",
        kinds=list(ChangeKind.values),
    )
    return created


def book(world, booker=None, days_ahead=3):
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    start = start.replace(hour=18) + timedelta(days=days_ahead)
    return booking_create(
        booker=booker or UserFactory(email="leier@example.no"),
        resource=world.room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Sjakkklubb",
    ).booking


def webhook_rows():
    return Notification.objects.filter(channel=Channel.WEBHOOK).order_by("pk")


def deliver_all() -> list[str]:
    outcomes = []
    for row in webhook_rows().filter(status=Status.PENDING):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outcomes.append(notification_deliver(notification_id=row.pk).outcome)
    return outcomes


def test_booking_created__a_signed_message_verifies_with_the_standard_library(
    api_world, subscribed, receiver
):
    booking = book(api_world)
    [row] = webhook_rows()
    assert row.status == Status.PENDING and row.to_address == subscribed.subscription.url
    assert notification_deliver(notification_id=row.pk).outcome == "sent"

    [request] = receiver.received
    assert request.path == "/hook?kilde=hubportal"
    assert request.headers["content-type"] == "application/json"
    payload = Webhook(subscribed.secret).verify(request.body, request.headers)
    assert verify(subscribed.secret, request.headers, request.body) == payload
    message = WebhookMessage.model_validate(payload)
    assert message.kind == "booking.created"
    assert message.id == request.headers["webhook-id"] == row.webhook_delivery.message_id
    assert message.municipality.slug == "asker"
    data = WebhookBookingOut.model_validate(message.data)
    assert data.booking_id == booking.pk and [t.purpose for t in data.times] == ["Sjakkklubb"]
    assert b"leier@example.no" not in request.body  # who booked is not in it
    subscription = WebhookSubscription.objects.get(pk=subscribed.subscription.pk)
    assert subscription.last_success_at is not None and subscription.failing_since is None


def test_signature__a_changed_body_or_another_secret_does_not_verify(
    api_world, subscribed, receiver
):
    book(api_world)
    deliver_all()
    [request] = receiver.received
    with pytest.raises(ValueError):
        verify(subscribed.secret, request.headers, request.body.replace(b"18", b"19"))
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(ValueError):
        verify(other, request.headers, request.body)


def test_receiver_answers_500__retried_with_the_same_id_until_it_takes_it(
    api_world, subscribed, receiver
):
    receiver.statuses = [500, 503]
    book(api_world)
    assert deliver_all() == ["retry"]
    row = webhook_rows().get()
    assert row.status == Status.PENDING and row.attempts == 1
    assert row.last_error.startswith("ReceiverFailed: HTTP 500")
    assert row.next_attempt_at > timezone.now()  # backed off
    subscription = WebhookSubscription.objects.get(pk=subscribed.subscription.pk)
    assert subscription.failing_since is not None and subscription.is_active
    assert deliver_all() == ["retry"]
    assert deliver_all() == ["sent"]
    ids = receiver.ids()
    assert len(ids) == 3 and len(set(ids)) == 1
    for request in receiver.received:
        Webhook(subscribed.secret).verify(request.body, request.headers)
    subscription.refresh_from_db()
    assert subscription.failing_since is None


def test_six_failures__failed__and_sent_again_like_any_outbox_message(
    api_world, subscribed, receiver
):
    receiver.statuses = [500] * 6
    book(api_world)
    for _ in range(6):
        deliver_all()
    row = webhook_rows().get()
    assert row.status == Status.FAILED and row.attempts == 6
    assert notification_retry(notification=row)
    assert deliver_all() == ["sent"]
    assert len(receiver.received) == 7


def test_failing_for_days__the_subscription_is_disabled_and_its_owner_told(
    api_world, subscribed, receiver
):
    subscription = subscribed.subscription
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now() - timedelta(days=3, minutes=1)
    )
    receiver.statuses = [500]
    book(api_world)
    assert deliver_all() == ["retry"]
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_at is not None
    assert "HTTP 500" in subscription.disabled_reason
    told = Notification.objects.get(template="api/email/webhook_disabled")
    assert told.channel == Channel.EMAIL and told.to_address == subscription.owner.email
    assert "Kalendersynk" in told.subject and subscription.url in told.body_text

    # The pending retry is refused for good; new changes queue nothing.
    assert deliver_all() == ["failed"]
    assert "disabled" in webhook_rows().get().last_error
    book(api_world, booker=UserFactory(email="annen@example.no"), days_ahead=4)
    assert webhook_rows().count() == 1
    assert len(receiver.received) == 1


def test_failing_less_than_the_days__stays_active(api_world, subscribed, receiver):
    WebhookSubscription.objects.filter(pk=subscribed.subscription.pk).update(
        failing_since=timezone.now() - timedelta(days=2, hours=23)
    )
    receiver.statuses = [500]
    book(api_world)
    deliver_all()
    assert WebhookSubscription.objects.get(pk=subscribed.subscription.pk).is_active


def test_rolled_back_change__queues_nothing(api_world, subscribed):
    with transaction.atomic():
        book(api_world)
        assert webhook_rows().count() == 1
        transaction.set_rollback(True)
    assert webhook_rows().count() == 0 and WebhookDelivery.objects.count() == 0


def test_only_the_kinds_chosen_and_only_the_municipalitys_own_changes(api_world, receiver):
    w = api_world
    events_only = services.webhook_subscription_create(
        by=municipality_admin(w.municipality),
        municipality=w.municipality,
        name="Arrangementer",
        url=f"{receiver.url}/events",
        kinds=[ChangeKind.EVENT_CHANGED],
    ).subscription
    book(w)
    assert webhook_rows().count() == 0
    w.full_event.title = "Forfatterbesøk (ny tid)"
    event_save(event=w.full_event, changed_fields={"title"})  # another municipality's
    assert webhook_rows().count() == 0
    w.event.title = "Språkkafé for alle"
    event_save(event=w.event, changed_fields={"title"})
    [row] = webhook_rows()
    assert row.webhook_delivery.subscription == events_only
    deliver_all()
    payload = json.loads(receiver.received[0].body)
    assert payload["kind"] == "event.changed"
    assert EventOut.model_validate(payload["data"]).title == "Språkkafé for alle"


def test_booking_cancelled__one_message_with_the_times_cancelled(api_world, subscribed, receiver):
    booker = UserFactory(email="leier@example.no")
    booking = book(api_world, booker=booker)
    booking_cancel(booking=booking, by=booker)
    kinds = list(webhook_rows().values_list("subject", flat=True))
    assert kinds == ["booking.created", "booking.cancelled"]
    deliver_all()
    cancelled = json.loads(receiver.received[-1].body)
    assert cancelled["data"]["status"] == "cancelled"
    assert [t["status"] for t in cancelled["data"]["times"]] == ["cancelled"]


def test_two_changes_of_one_hub_in_one_transaction__one_message_as_it_is_at_the_end(
    api_world, subscribed, receiver
):
    start = timezone.localdate() + timedelta(days=2)
    with transaction.atomic():
        for offset, reason in ((0, "Kurs"), (1, "Maling")):
            opening_hours_exception_create(
                hub=api_world.hub,
                start_date=start + timedelta(days=offset),
                end_date=start + timedelta(days=offset),
                reason=reason,
            )
    [row] = webhook_rows()
    assert row.subject == "opening_hours.changed"
    deliver_all()
    hours = HubHoursOut.model_validate(json.loads(receiver.received[0].body)["data"])
    closed = [d.exception_reason for d in hours.days if d.is_exception]
    assert closed == ["Kurs", "Maling"]
    assert hours.start == timezone.localdate() and len(hours.days) == 14


def test_registration_created__without_the_person(api_world, subscribed, receiver):
    person = UserFactory(email="deltaker@example.no")
    person.emailaddress_set.create(email=person.email, verified=True, primary=True)
    registration_create(
        event=api_world.event, name="Kari Nordmann", email=person.email, user=person
    )
    assert webhook_rows().count() == 1
    deliver_all()
    body = receiver.received[0].body
    payload = json.loads(body)
    assert payload["kind"] == "registration.created"
    assert payload["data"]["status"] == "confirmed"
    assert payload["data"]["event"]["registration"]["places_taken"] == 1
    assert b"Kari" not in body and b"deltaker@example.no" not in body


# --------------------------------------------------------------------------- addresses


REFUSED_ADDRESSES = [
    ("http://93.184.215.14/hook", "https://"),
    ("ftp://93.184.215.14/hook", "https://"),
    ("https://10.1.2.3/hook", "private"),
    ("https://192.168.0.10/hook", "private"),
    ("https://172.16.5.5/hook", "private"),
    ("https://100.64.0.1/hook", "private"),
    ("https://169.254.169.254/latest/meta-data", "private"),
    ("https://[fe80::1]/hook", "private"),
    ("https://[fd00::1]/hook", "private"),
    ("https://0.0.0.0/hook", "private"),
    ("https://224.0.0.1/hook", "private"),
    ("https://kari:hemmelig@93.184.215.14/hook", "user name"),
    ("https://finnes-ikke.invalid/hook", "could not be found"),
    ("https://93.184.215.14:99999/hook", "valid"),
    ("https:///hook", "valid"),
]


@pytest.mark.parametrize(("url", "said"), REFUSED_ADDRESSES)
def test_subscribe__refused_address__a_message_on_the_field_and_nothing_saved(api_world, url, said):
    admin = municipality_admin(api_world.municipality)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.webhook_subscription_create(
            by=admin,
            municipality=api_world.municipality,
            name="x",
            url=url,
            kinds=["event.changed"],
        )
    assert [problem.field for problem in refused.value.problems] == ["url"]
    assert said in str(refused.value)
    assert WebhookSubscription.objects.count() == 0


@override_settings(WEBHOOK_ALLOW_LOOPBACK=False)
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "https://localhost/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
    ],
)
def test_subscribe__loopback_without_the_setting__refused(api_world, url):
    with pytest.raises(DomainError):
        services.webhook_subscription_create(
            by=municipality_admin(api_world.municipality),
            municipality=api_world.municipality,
            name="x",
            url=url,
            kinds=["event.changed"],
        )
    assert WebhookSubscription.objects.count() == 0


def test_subscribe__public_https_address__accepted(api_world):
    created = services.webhook_subscription_create(
        by=municipality_admin(api_world.municipality),
        municipality=api_world.municipality,
        name="Nettstedet",
        url="https://93.184.215.14/hubportal",
        kinds=["booking.created", "booking.created"],
    )
    assert created.subscription.kinds == ["booking.created"]
    assert created.secret.startswith("whsec_") and len(base64.b64decode(created.secret[6:])) == 32
    assert created.secret.startswith(created.subscription.secret_prefix)


def test_delivery__address_that_now_points_to_a_refused_network__not_sent_and_retried(
    api_world, subscribed, receiver
):
    """The address is checked again before each delivery (DNS rebinding): here loopback,
    allowed when it was saved, is refused when it is sent."""
    book(api_world)
    with override_settings(WEBHOOK_ALLOW_LOOPBACK=False), translation.override("en"):
        assert deliver_all() == ["retry"]
    assert receiver.received == []
    assert "private, local or reserved" in webhook_rows().get().last_error


def test_subscribe__no_kinds__refused(api_world):
    with pytest.raises(DomainError):
        services.webhook_subscription_create(
            by=municipality_admin(api_world.municipality),
            municipality=api_world.municipality,
            name="x",
            url="https://93.184.215.14/",
            kinds=[],
        )
