"""Paying by Vipps, against the local stand-in (real HTTP) on real PostgreSQL: a booking
that must be paid is held awaiting payment with its times claimed, confirmed when the
payment is authorised by the return or the webhook, whichever comes first, exactly once;
Vipps down, a wrong signature, an unknown reference: refused, logged, nothing half-saved;
an unpaid hold is released by the periodic task."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from betaling import services
from betaling import vipps as vipps_api
from betaling.enums import PaymentState, PriceUnit, VatRate
from betaling.models import Payment
from booking import services as booking_services
from booking.enums import BookingStatus
from booking.models import Booking, SpaceClaim
from hubportal.core.errors import DomainError
from hubportal.notifications.models import Notification
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import UserFactory, hub_staff
from tests.support.race import race

from .factories import PriceLineFactory, PriceListFactory

pytestmark = pytest.mark.django_db
WEBHOOK = "http://testserver/betaling/vipps/webhook/"


def evening(days=3):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def room():
    room = ResourceFactory()
    prices = PriceListFactory(resource=room)
    PriceLineFactory(price_list=prices, unit_price=25000, vat_rate=VatRate.OUTSIDE)
    PriceLineFactory(
        price_list=prices,
        label="Vask",
        unit=PriceUnit.PER_BOOKING,
        unit_price=10000,
        vat_rate=VatRate.HIGH,
    )
    return room


def held_booking(room, booker=None, days=3):
    start = evening(days)
    return booking_services.booking_create(
        booker=booker or UserFactory(),
        resource=room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Bursdag",
    ).booking


def confirmations(booking):
    return Notification.objects.filter(
        recipient=booking.booker, template="booking/email/booking_confirmed"
    ).count()


def test_the_client_speaks_the_epayment_api(vipps):
    client = vipps_api.client_from_settings()
    url = client.create_payment(
        reference="hubportal-test-1", amount=60000, description="Rom", return_url="http://x/r"
    )
    assert url.startswith(vipps.url + "/test-payment/")
    # The same Idempotency-Key answers the same payment, never a second one.
    assert (
        client.create_payment(
            reference="hubportal-test-1", amount=60000, description="Rom", return_url="http://x/r"
        )
        == url
    )
    assert client.get_payment("hubportal-test-1").state == "CREATED"
    vipps.approve("hubportal-test-1")
    captured = client.capture(reference="hubportal-test-1", amount=60000, key="c-1")
    assert (captured.authorised, captured.captured) == (60000, 60000)
    with pytest.raises(vipps_api.VippsRefused):
        client.refund(reference="hubportal-test-1", amount=60001, key="r-1")
    assert client.refund(reference="hubportal-test-1", amount=100, key="r-2").refunded == 100
    with pytest.raises(vipps_api.VippsRefused):
        client.get_payment("hubportal-unknown-1")
    vipps.behaviour = "500"
    with pytest.raises(vipps_api.VippsUnavailable):
        client.get_payment("hubportal-test-1")


def test_a_booking_to_be_paid_is_held_with_its_times_claimed(vipps, room):
    booking = held_booking(room)
    assert booking.status == BookingStatus.AWAITING_PAYMENT
    assert set(booking.occurrences.values_list("status", flat=True)) == {
        BookingStatus.AWAITING_PAYMENT
    }
    assert booking.payment.amount == 60000
    assert SpaceClaim.objects.filter(occurrence__booking=booking, holds_time=True).exists()
    with pytest.raises(DomainError):  # the time is taken while it is paid for
        held_booking(room)
    assert confirmations(booking) == 0  # no confirmation before it is paid


def test_paying_through_the_pages_confirms_and_captures_and_gives_a_receipt(client, vipps, room):
    citizen = UserFactory()
    client.force_login(citizen)
    start = timezone.localtime(evening(4))
    response = client.post(
        reverse("booking:book", args=[room.pk]),
        {
            "day": start.date().isoformat(),
            "start": "18:00",
            "minutes": "120",
            "purpose": "Bursdag",
            "attendees": "5",
            "repeat": "none",
        },
    )
    booking = Booking.objects.get(booker=citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse("betaling:pay", args=[booking.pk])
    page = client.get(response["Location"]).content.decode()
    assert "kr 600,00" in page and "Testbetaling" in page
    to_vipps = client.post(reverse("betaling:pay", args=[booking.pk]))
    assert to_vipps["Location"].startswith(vipps.url + "/test-payment/")
    reference = booking.payment.reference
    vipps.approve(reference)  # the payer approves in the (test) app
    back = client.get(reverse("betaling:return", args=[reference]))
    assert "Betalt" in back.content.decode()
    booking.refresh_from_db()
    payment = booking.payment
    assert booking.status == BookingStatus.CONFIRMED
    assert (payment.state, payment.authorised_by, payment.captured_amount) == (
        PaymentState.CAPTURED,
        "redirect",
        60000,
    )
    assert confirmations(booking) == 1
    receipt = client.get(reverse("betaling:receipt", args=[reference])).content.decode()
    assert "kr 600,00" in receipt and "kr 20,00" in receipt  # VAT of the cleaning line
    # Someone else's payment does not exist for them.
    client.force_login(UserFactory())
    assert client.get(reverse("betaling:receipt", args=[reference])).status_code == 404


def test_vipps_down_gives_a_clear_page_releases_the_hold_and_saves_nothing_half(
    client, vipps, room, caplog, settings
):
    citizen = UserFactory()
    booking = held_booking(room, citizen)
    client.force_login(citizen)
    for behaviour in ("500", "hang", "stopped"):
        vipps.behaviour = behaviour if behaviour != "stopped" else "working"
        vipps.hang_seconds = 3
        if behaviour == "stopped":  # nothing listens there
            settings.VIPPS_URL = "http://127.0.0.1:9"
        response = client.post(reverse("betaling:pay", args=[booking.pk]), follow=True)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Vipps svarte ikke" in page and "Ikke betalt" in page
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert booking.payment.state == PaymentState.FAILED
        assert not SpaceClaim.objects.filter(occurrence__booking=booking, holds_time=True).exists()
        assert "creating payment" in caplog.text
        vipps.behaviour = "working"
        booking = held_booking(room, citizen)  # the time is free again


def signed(vipps, reference, name="AUTHORIZED"):
    vipps.webhook_url = WEBHOOK
    _url, body, headers = vipps.webhook_request(reference, name)
    return body, {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}


def started(booking, vipps):
    services.payment_start(payment=booking.payment, return_url="http://testserver/r")
    booking.payment.refresh_from_db()
    return booking.payment.reference


def test_the_webhook_confirms_and_a_wrong_signature_or_unknown_reference_is_refused(
    client, vipps, room, caplog
):
    booking = held_booking(room)
    reference = started(booking, vipps)
    vipps.approve(reference)
    body, headers = signed(vipps, reference)
    url = reverse("vipps_webhook")
    tampered = body.replace(b"AUTHORIZED", b"AUTHORIZEX")
    with caplog.at_level(logging.WARNING, logger="hubportal.betaling"):
        assert (
            client.post(url, tampered, content_type="application/json", **headers).status_code
            == 403
        )
        wrong = headers | {"HTTP_AUTHORIZATION": headers["HTTP_AUTHORIZATION"][:-4] + "AAA="}
        assert client.post(url, body, content_type="application/json", **wrong).status_code == 403
    assert "signature does not hold" in caplog.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_PAYMENT
    assert client.post(url, body, content_type="application/json", **headers).status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.payment.authorised_by == "webhook"
    # A webhook for a payment we do not have: refused and logged.
    vipps.payments["hubportal-0-000000000000"] = dict(vipps.payments[reference])
    body, headers = signed(vipps, "hubportal-0-000000000000")
    with caplog.at_level(logging.WARNING, logger="hubportal.betaling"):
        assert client.post(url, body, content_type="application/json", **headers).status_code == 404
    assert "unknown reference" in caplog.text


def test_the_webhook_before_the_redirect_confirms_once_and_the_return_page_says_paid(
    client, vipps, room
):
    citizen = UserFactory()
    booking = held_booking(room, citizen)
    reference = started(booking, vipps)
    vipps.approve(reference)
    body, headers = signed(vipps, reference)
    for _twice in range(2):  # delivered twice
        assert (
            client.post(
                reverse("vipps_webhook"), body, content_type="application/json", **headers
            ).status_code
            == 200
        )
    client.force_login(citizen)
    assert "Betalt" in client.get(reverse("betaling:return", args=[reference])).content.decode()
    payment = Payment.objects.get(pk=booking.payment.pk)
    assert payment.events.filter(name="AUTHORIZED").count() == 1
    assert payment.captured_amount == 60000
    assert confirmations(booking) == 1


@pytest.mark.django_db(transaction=True)
def test_redirect_and_webhook_racing_with_the_webhook_twice_confirm_exactly_once(vipps, room):
    """Real PostgreSQL, three threads at once: the payer's return and the webhook delivered
    twice. One confirmation, one capture, one AUTHORIZED event, whatever the order."""
    for round_ in range(3):
        booking = held_booking(room, days=3 + round_)
        reference = started(booking, vipps)
        vipps.approve(reference)
        vipps.webhook_url = "http://hubportal.test/betaling/vipps/webhook/"
        _url, body, headers = vipps.webhook_request(reference, "AUTHORIZED")
        payment = Payment.objects.get(reference=reference)

        def arrive(source, payment=payment, body=body, headers=headers):
            if source == "redirect":
                return services.payment_sync(payment=payment, source="redirect")
            return services.payment_webhook(
                body=body,
                headers=headers,
                path_and_query="/betaling/vipps/webhook/",
                host="hubportal.test",
            )

        outcomes = race(arrive, ["redirect", "webhook", "webhook"])
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        payment.refresh_from_db()
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        assert payment.events.filter(name="AUTHORIZED").count() == 1
        assert payment.events.filter(name="CAPTURED").count() == 1
        assert payment.captured_amount == 60000
        assert vipps.payments[reference]["captured"] == 60000
        assert confirmations(booking) == 1


def test_an_unpaid_hold_is_released_by_the_task_and_a_late_authorisation_cancelled(vipps, room):
    booking = held_booking(room)
    reference = started(booking, vipps)
    assert services.payments_release_unpaid() == 0  # not yet expired
    later = timezone.now() + timedelta(minutes=16)
    assert services.payments_release_unpaid(now=later) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.payment.state == PaymentState.EXPIRED
    assert not SpaceClaim.objects.filter(occurrence__booking=booking, holds_time=True).exists()
    assert vipps.payments[reference]["state"] == "ABORTED"  # cancelled at Vipps too
    # An authorisation that still arrives is not a booking: cancelled, not confirmed.
    other = held_booking(room, days=5)
    other_reference = started(other, vipps)
    services.payments_release_unpaid(now=later)  # Vipps says CREATED: released
    vipps.payments[other_reference]["state"] = "CREATED"
    vipps.approve(other_reference)
    services.payment_apply(payment=other.payment, state="AUTHORIZED", source="webhook")
    other.refresh_from_db()
    assert other.status == BookingStatus.CANCELLED
    assert vipps.payments[other_reference]["state"] == "TERMINATED"


def test_the_task_confirms_what_was_paid_in_the_last_second(vipps, room):
    booking = held_booking(room)
    reference = started(booking, vipps)
    vipps.approve(reference)
    assert services.payments_release_unpaid(now=timezone.now() + timedelta(minutes=16)) == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_database_refuses_capturing_beyond_the_amount_or_refunding_beyond_the_capture(
    vipps, room
):
    payment = held_booking(room).payment
    for fields in ({"captured_amount": payment.amount + 1}, {"refunded_amount": 1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.filter(pk=payment.pk).update(**fields)


def test_staff_and_organisations_are_not_sent_to_vipps(vipps, room):
    staff = hub_staff(room.hub)
    booking = held_booking(room, staff)
    assert booking.status == BookingStatus.CONFIRMED
    assert not Payment.objects.filter(booking=booking).exists()
    assert urlsplit(WEBHOOK).path == reverse("vipps_webhook")
