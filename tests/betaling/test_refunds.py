"""Cancellation by the rules, on real PostgreSQL against the local Vipps: free until the
terms' deadline, a fee after it, always in full when staff cancel; refunded through Vipps
exactly what the terms say, never more than was captured (the database refuses it)."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from betaling import services
from betaling.enums import PriceUnit, VatRate
from betaling.models import CancellationTerms, Payment, Refund
from booking import services as booking_services
from booking.enums import ApprovalRule, BookingStatus
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import UserFactory, hub_staff

from .factories import PriceLineFactory, PriceListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    room = ResourceFactory(cancellation_deadline_hours=24)
    prices = PriceListFactory(resource=room)
    PriceLineFactory(
        price_list=prices, unit=PriceUnit.PER_BOOKING, unit_price=50000, vat_rate=VatRate.OUTSIDE
    )
    CancellationTerms.objects.create(resource=room, free_until_hours=72, fee_percent=30)
    return room


def paid(room, vipps, booker, *, hours_ahead, count=1):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours_ahead)
    times = [
        (start + timedelta(days=7 * n), start + timedelta(days=7 * n, hours=1))
        for n in range(count)
    ]
    booking = booking_services.booking_create(
        booker=booker, resource=room, times=times, purpose="Kurs", repeat="weekly"
    ).booking
    payment = booking.payment
    services.payment_start(payment=payment, return_url="http://testserver/r")
    vipps.approve(payment.reference)
    services.payment_sync(payment=Payment.objects.get(pk=payment.pk), source="redirect")
    payment.refresh_from_db()
    assert payment.captured_amount == 50000 * count
    return booking, payment


def test_before_the_free_deadline_the_booker_gets_everything_back(
    vipps, room, django_capture_on_commit_callbacks
):
    citizen = UserFactory()
    booking, payment = paid(room, vipps, citizen, hours_ahead=24 * 5)
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=booking, by=citizen)
    payment.refresh_from_db()
    assert payment.refunded_amount == 50000
    assert vipps.payments[payment.reference]["refunded"] == 50000
    assert Refund.objects.get(payment=payment).fee == 0


def test_after_the_free_deadline_the_fee_is_kept_and_the_rest_refunded(
    vipps, room, django_capture_on_commit_callbacks
):
    citizen = UserFactory()
    booking, payment = paid(room, vipps, citizen, hours_ahead=48)
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=booking, by=citizen)
    payment.refresh_from_db()
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.fee, refund.state) == (35000, 15000, "done")
    assert payment.refunded_amount == 35000 == vipps.payments[payment.reference]["refunded"]


def test_staff_who_cancel_always_refund_in_full(vipps, room, django_capture_on_commit_callbacks):
    booking, payment = paid(room, vipps, UserFactory(), hours_ahead=48)
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=booking, by=hub_staff(room.hub))
    payment.refresh_from_db()
    assert payment.refunded_amount == 50000


def test_one_time_of_a_series_refunds_that_time_only(
    vipps, room, django_capture_on_commit_callbacks
):
    citizen = UserFactory()
    booking, payment = paid(room, vipps, citizen, hours_ahead=24 * 5, count=3)
    last = booking.occurrences.order_by("starts_at").last()
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=booking, by=citizen, occurrence=last)
    payment.refresh_from_db()
    assert payment.refunded_amount == 50000
    assert vipps.payments[payment.reference]["refunded"] == 50000


def test_a_refund_beyond_the_capture_is_refused_by_the_database_and_logged(
    vipps, room, caplog, django_capture_on_commit_callbacks
):
    _booking, payment = paid(room, vipps, UserFactory(), hours_ahead=24 * 5)
    too_much = Refund.objects.create(payment=payment, amount=50001, reason="Feil")
    with caplog.at_level(logging.WARNING, logger="hubportal.betaling"):
        assert services.refund_send(refund=too_much) is False
    assert "more than was captured" in caplog.text
    too_much.refresh_from_db()
    payment.refresh_from_db()
    assert (too_much.state, payment.refunded_amount) == ("refused", 0)
    assert vipps.payments[payment.reference]["refunded"] == 0  # nothing sent


def test_vipps_down_at_refund_leaves_it_pending_and_the_task_sends_it_once(
    vipps, room, django_capture_on_commit_callbacks
):
    citizen = UserFactory()
    booking, payment = paid(room, vipps, citizen, hours_ahead=24 * 5)
    vipps.behaviour = "500"
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=booking, by=citizen)
    payment.refresh_from_db()
    assert payment.refunded_amount == 0
    assert Refund.objects.get(payment=payment).state == "pending"
    vipps.behaviour = "working"
    assert services.refunds_retry() == 1
    assert services.refunds_retry() == 0
    payment.refresh_from_db()
    assert payment.refunded_amount == 50000 == vipps.payments[payment.reference]["refunded"]


def test_cancelling_a_booking_still_awaiting_payment_closes_the_payment(
    vipps, room, django_capture_on_commit_callbacks
):
    citizen = UserFactory()
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=5)
    booking = booking_services.booking_create(
        booker=citizen, resource=room, times=[(start, start + timedelta(hours=1))], purpose="Kurs"
    ).booking
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=booking, by=citizen)
    assert Payment.objects.get(booking=booking).state == "CANCELLED"


def test_a_paid_request_rejected_by_staff_is_refunded_in_full(
    vipps, room, django_capture_on_commit_callbacks
):
    room.approval = ApprovalRule.APPROVAL
    room.save(update_fields=["approval"])
    booking, payment = paid(room, vipps, UserFactory(), hours_ahead=30, count=2)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED  # paid, waiting for staff
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_decide(
            booking=booking, by=hub_staff(room.hub), approve=False, reason="Stengt"
        )
    payment.refresh_from_db()
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.fee, refund.state) == (100000, 0, "done")
    assert payment.refunded_amount == 100000 == vipps.payments[payment.reference]["refunded"]


def test_staff_waive_a_kept_fee_once_with_the_reason_and_who(
    vipps, room, client, caplog, django_capture_on_commit_callbacks
):
    citizen = UserFactory()
    booking, payment = paid(room, vipps, citizen, hours_ahead=48)
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_cancel(booking=booking, by=citizen)
    kept = Refund.objects.get(payment=payment)
    assert kept.fee == 15000
    url = reverse("betaling:waive_fee", args=[kept.pk])
    # Not the booker's to waive, nor another hub's staff's.
    for outsider in (citizen, hub_staff(ResourceFactory().hub)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "Syk"}).status_code == 404
    staff = hub_staff(room.hub)
    client.force_login(staff)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": "ok"})
    assert refused.status_code == 200 and "Si hvorfor gebyret frafalles" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reason": "Sykdom i familien"})
    assert done.status_code == 302
    waiver = Refund.objects.get(waives=kept)
    assert (waiver.amount, waiver.by, waiver.state) == (15000, staff, "done")
    assert "Sykdom i familien" in waiver.reason
    payment.refresh_from_db()
    assert payment.refunded_amount == 50000 == vipps.payments[payment.reference]["refunded"]
    assert payment.events.filter(name="FEE_WAIVED").count() == 1
    with caplog.at_level(logging.WARNING, logger="hubportal.betaling"):
        again = client.post(url, {"reason": "Igjen"})
    assert "allerede frafalt" in again.content.decode()
    assert "refused" in caplog.text
    assert Refund.objects.filter(payment=payment).count() == 2
    # The booking's page tells its booker what became of the payment.
    client.force_login(citizen)
    page = client.get(booking.get_absolute_url()).content.decode()
    assert "Betalingshistorikk" in page and "Avbestillingsgebyret frafalt av ansatte" in page
    assert reverse("betaling:receipt", args=[payment.reference]) in page
