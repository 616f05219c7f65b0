"""Reconciliation with Vipps (the periodic task), against the local stand-in over real HTTP:
the payer approves on Vipps' page, the webhook is lost and the payer never comes back; the
task asks Vipps about every payment still open and confirms it, exactly once."""

import logging
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from betaling import services, tasks
from betaling.enums import PaymentState, PriceUnit, VatRate
from betaling.models import Payment
from booking import services as booking_services
from booking.enums import BookingStatus
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import UserFactory

from .factories import PriceLineFactory, PriceListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    room = ResourceFactory()
    prices = PriceListFactory(resource=room)
    PriceLineFactory(
        price_list=prices, unit=PriceUnit.PER_BOOKING, unit_price=30000, vat_rate=VatRate.OUTSIDE
    )
    return room


def sent_to_vipps(room, days=3):
    start = (timezone.localtime() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    booking = booking_services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(start, start + timedelta(hours=1))],
        purpose="Fest",
    ).booking
    services.payment_start(payment=booking.payment, return_url="http://testserver/r")
    return booking, Payment.objects.get(booking=booking)


def payer_chooses(vipps, reference, choice):
    """The payer's click on Vipps' (the stand-in's) page, over HTTP; the redirect back to
    the portal is not followed: the payer closed the window."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    data = urllib.parse.urlencode({"choice": choice}).encode()
    opener = urllib.request.build_opener(Stay)
    try:
        opener.open(f"{vipps.url}/test-payment/{reference}", data=data, timeout=5)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302


def test_a_lost_webhook_is_found_by_the_reconciliation_and_confirms_once(vipps, room):
    vipps.webhook = "none"  # Vipps' webhook never arrives
    approved, approved_payment = sent_to_vipps(room)
    refused, refused_payment = sent_to_vipps(room, days=4)
    waiting, _waiting_payment = sent_to_vipps(room, days=5)
    payer_chooses(vipps, approved_payment.reference, "approve")
    payer_chooses(vipps, refused_payment.reference, "refuse")
    assert vipps.webhooks_sent == []
    assert tasks.reconcile_payments() == 2
    approved_payment.refresh_from_db()
    approved.refresh_from_db()
    assert approved.status == BookingStatus.CONFIRMED
    assert approved_payment.state == PaymentState.CAPTURED
    assert approved_payment.authorised_by == "task"
    assert vipps.payments[approved_payment.reference]["captured"] == 30000
    refused.refresh_from_db()
    assert refused.status == BookingStatus.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.AWAITING_PAYMENT  # still deciding: left alone
    # Again: nothing more happens (no second confirmation, no second capture).
    assert services.payments_reconcile() == 0
    assert approved_payment.events.filter(name="AUTHORIZED").count() == 1
    assert approved_payment.events.filter(name="CAPTURED").count() == 1


def test_vipps_down_during_reconciliation_changes_nothing_and_is_logged(vipps, room, caplog):
    _booking, payment = sent_to_vipps(room)
    vipps.approve(payment.reference)
    vipps.behaviour = "500"
    with caplog.at_level(logging.WARNING, logger="hubportal.betaling"):
        assert services.payments_reconcile() == 0
    assert "reconciling payment" in caplog.text
    payment.refresh_from_db()
    assert payment.state == PaymentState.CREATED
    vipps.behaviour = "working"
    assert services.payments_reconcile() == 1
